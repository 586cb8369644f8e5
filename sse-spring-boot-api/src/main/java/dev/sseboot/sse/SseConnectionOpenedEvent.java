package dev.sseboot.sse;

/**
 * A stream opened on this node, published as an application event (listen with
 * {@code @EventListener}). What a listener sends to the stream with
 * {@code broker.toConnection(event.connection().connectionId())} reaches its client after
 * {@code sse-connected} and the events replayed to it; live events sent meanwhile may
 * arrive before it. Listeners run on a thread of the starter's own, one event after the
 * other, never on a request or writer thread: a slow listener delays the next events, not
 * the streams, and one that throws is logged.
 *
 * @param connection the stream
 * @param principal who opened it
 * @param resume how it resumed: {@code none}, {@code recovered}, {@code gap} or
 * {@code reset}, as in its {@code sse-connected} event
 */
public record SseConnectionOpenedEvent(SseConnection connection, SsePrincipal principal, String resume) {

}
