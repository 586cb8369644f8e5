/**
 * The SSE stream endpoint: its controller, the servlet output its frames go to, and the
 * filters that answer every refusal on its path with the starter's JSON body.
 */
@NullMarked
package dev.sseboot.sse.web;

import org.jspecify.annotations.NullMarked;
