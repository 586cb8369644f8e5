/**
 * Auto-configuration and configuration properties of the SSE starter.
 */
@NullMarked
package dev.sseboot.sse.autoconfigure;

import org.jspecify.annotations.NullMarked;
