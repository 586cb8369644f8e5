package dev.sseboot.sse;

/**
 * A stream of this node ended, published as an application event (listen with
 * {@code @EventListener}) once, after its {@link SseConnectionOpenedEvent} has gone to the
 * listeners.
 *
 * @param connection the stream
 * @param reason why: the reason of its {@code sse-close} ({@code revoked},
 * {@code token-expired}, {@code slow-consumer}, {@code shutdown}, {@code max-lifetime},
 * {@code replaced}, {@code resync}), {@code client-abort} when the client went away, or
 * {@code error}
 */
public record SseConnectionClosedEvent(SseConnection connection, String reason) {

}
