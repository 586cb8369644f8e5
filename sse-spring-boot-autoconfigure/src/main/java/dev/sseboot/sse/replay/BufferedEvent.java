package dev.sseboot.sse.replay;

import dev.sseboot.sse.SseEvent;

/**
 * An event held for replay, with the frame it was sent as, so that replay writes the
 * same bytes without rendering again.
 *
 * @param event the event
 * @param frame the rendered frame
 */
public record BufferedEvent(SseEvent event, byte[] frame) {

}
