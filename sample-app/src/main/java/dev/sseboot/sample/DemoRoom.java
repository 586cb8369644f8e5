package dev.sseboot.sample;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnectionClosedEvent;
import dev.sseboot.sse.SseConnectionOpenedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The demo room ({@code room:lobby}, with {@code presence-events} in application.yml): the
 * starter tells the room's subscribers who joins and leaves ({@code sse-join},
 * {@code sse-leave}); this component gives each new stream of the room who is there
 * already, as a {@code members} event to that stream alone. It counts this node's streams:
 * with several nodes, an application keeps the members in a store the nodes share.
 */
@Component
class DemoRoom {

	static final String ROOM = "room:lobby";

	private final SseBroker broker;

	/** Each member's open streams in the room, on this node. */
	private final Map<String, Integer> streams = new ConcurrentHashMap<>();

	DemoRoom(SseBroker broker) {
		this.broker = broker;
	}

	@EventListener
	void opened(SseConnectionOpenedEvent event) {
		if (event.connection().channels().contains(ROOM)) {
			this.streams.merge(event.connection().userId(), 1, Integer::sum);
			// Arrives after sse-connected: the page starts from it, then follows the joins and leaves.
			this.broker.toConnection(event.connection().connectionId()).send("members", members());
		}
	}

	@EventListener
	void closed(SseConnectionClosedEvent event) {
		if (event.connection().channels().contains(ROOM)) {
			this.streams.computeIfPresent(event.connection().userId(), (user, count) -> (count > 1) ? count - 1 : null);
		}
	}

	private Set<String> members() {
		return new TreeSet<>(this.streams.keySet());
	}

}
