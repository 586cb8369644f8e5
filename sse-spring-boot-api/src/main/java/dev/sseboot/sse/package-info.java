/**
 * Public API of the SSE starter: {@link dev.sseboot.sse.SseBroker} to publish events,
 * {@link dev.sseboot.sse.TokenValidator} to authenticate streams, and the value types
 * they exchange.
 */
@NullMarked
package dev.sseboot.sse;

import org.jspecify.annotations.NullMarked;
