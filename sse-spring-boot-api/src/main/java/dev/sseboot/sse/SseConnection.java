package dev.sseboot.sse;

import java.time.Instant;
import java.util.Set;

/**
 * An open stream, as reported by {@link SseBroker#connections(String)}.
 *
 * @param connectionId the id announced in the stream's {@code sse-connected} event
 * @param userId the stream's user
 * @param channels the channels the stream is subscribed to
 * @param connectedAt when the stream was opened
 */
public record SseConnection(String connectionId, String userId, Set<String> channels, Instant connectedAt) {

}
