package dev.sseboot.sse.broker;

import java.util.Set;

import dev.sseboot.sse.SsePrincipal;
import org.jspecify.annotations.Nullable;

/**
 * What a client asks for when it opens a stream.
 *
 * @param principal who the stream belongs to
 * @param channels the channels it subscribes to, each permitted by the principal
 * @param lastEventId the id to resume after, from {@code Last-Event-ID} or the
 * {@code lastEventId} parameter, or {@code null}
 * @param clientId the client's own stable id, for delivery tracking, or {@code null}
 * @param remoteAddress the client's address as the server sees it (a proxy's, behind
 * one that Tomcat is not told about), or {@code null}
 * @param channelPrefix whether events sent to a channel are named
 * {@code <channel> <event>} on this stream, so that a client of several channels can tell
 * them apart
 */
public record StreamRequest(SsePrincipal principal, Set<String> channels, @Nullable String lastEventId,
		@Nullable String clientId, @Nullable String remoteAddress, boolean channelPrefix) {

	public StreamRequest {
		channels = Set.copyOf(channels);
	}

	/**
	 * Creates a request whose events keep their own names.
	 * @param principal who the stream belongs to
	 * @param channels the channels it subscribes to
	 * @param lastEventId the id to resume after, or {@code null}
	 * @param clientId the client's own stable id, or {@code null}
	 * @param remoteAddress the client's address, or {@code null}
	 */
	public StreamRequest(SsePrincipal principal, Set<String> channels, @Nullable String lastEventId,
			@Nullable String clientId, @Nullable String remoteAddress) {
		this(principal, channels, lastEventId, clientId, remoteAddress, false);
	}

	/**
	 * Creates a request whose client's address is not known.
	 * @param principal who the stream belongs to
	 * @param channels the channels it subscribes to
	 * @param lastEventId the id to resume after, or {@code null}
	 * @param clientId the client's own stable id, or {@code null}
	 */
	public StreamRequest(SsePrincipal principal, Set<String> channels, @Nullable String lastEventId,
			@Nullable String clientId) {
		this(principal, channels, lastEventId, clientId, null, false);
	}

}
