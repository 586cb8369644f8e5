package dev.sseboot.sse.broker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SseUserOfflineEvent;
import dev.sseboot.sse.SseUserOnlineEvent;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.cluster.PresenceChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Announces the changes of who is present that this node's presence decided, each once in
 * the cluster: users online and offline as application events; on a node on its own, users
 * joining and leaving a channel to its subscribers ({@code sse-join}, {@code sse-leave}),
 * where the channel's options ask for it (in a cluster, the presence's script appends
 * those to the log itself, in Redis's order). On the connection events' thread, in the
 * order the presence decided them: never on a request or writer thread.
 */
final class PresenceAnnouncer implements Consumer<List<PresenceChange>> {

	private static final Log logger = LogFactory.getLog(NodeBroker.class);

	private final ConnectionEvents events;

	private final ChannelOptions channels;

	private final ClusterLink link;

	private final JsonEncoder json;

	PresenceAnnouncer(ConnectionEvents events, ChannelOptions channels, ClusterLink link, JsonEncoder json) {
		this.events = events;
		this.channels = channels;
		this.link = link;
		this.json = json;
	}

	@Override
	public void accept(List<PresenceChange> changes) {
		for (PresenceChange change : changes) {
			switch (change.kind()) {
				case ONLINE -> this.events.publish(new SseUserOnlineEvent(change.userId()));
				case OFFLINE -> this.events.publish(new SseUserOfflineEvent(change.userId(), change.nodeLost()));
				case JOINED -> announce(SseEvent.JOIN, change);
				case LEFT -> announce(SseEvent.LEAVE, change);
			}
		}
	}

	private void announce(String name, PresenceChange change) {
		String channel = change.channel();
		if (channel == null || !this.channels.announcesPresence(channel)) {
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("userId", change.userId());
		data.put("channel", channel);
		LogRecord event = LogRecord.event(name, this.json.write(data), Instant.now(), null, channel, null);
		this.events.run(name + " on " + channel, () -> {
			try {
				this.link.publish(event, null);
			}
			catch (ClusterUnavailableException ex) {
				logger.warn("SSE " + name + " of a user on channel " + channel + " not sent: " + ex.getMessage());
			}
		});
	}

}
