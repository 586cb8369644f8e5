/**
 * The SSE stream endpoint and the JSON error responses it shares with the security layer.
 */
@NullMarked
package dev.sseboot.sse.web;

import org.jspecify.annotations.NullMarked;
