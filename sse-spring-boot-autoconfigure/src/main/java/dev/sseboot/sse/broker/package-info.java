/**
 * In-memory broker: stream registry, frame encoding, per-stream queues and their writers.
 */
@NullMarked
package dev.sseboot.sse.broker;

import org.jspecify.annotations.NullMarked;
