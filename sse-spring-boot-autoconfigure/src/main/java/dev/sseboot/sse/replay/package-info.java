/**
 * Replay of missed events to resuming streams: the buffer keyed by event id, and the
 * per-client delivery tracker.
 */
@NullMarked
package dev.sseboot.sse.replay;

import org.jspecify.annotations.NullMarked;
