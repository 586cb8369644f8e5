/**
 * Micrometer meters of the broker and the stream endpoint.
 */
@NullMarked
package dev.sseboot.sse.metrics;

import org.jspecify.annotations.NullMarked;
