/**
 * What the starter adds to embedded Tomcat: connection limits for long-lived streams, and
 * the valves that watch a stream's connection.
 */
@NullMarked
package dev.sseboot.sse.web.tomcat;

import org.jspecify.annotations.NullMarked;
