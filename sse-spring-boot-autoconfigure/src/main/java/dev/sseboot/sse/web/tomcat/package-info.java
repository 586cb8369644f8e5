/**
 * What the starter adds to embedded Tomcat: connection limits for long-lived streams, the
 * valves that watch a stream's connection, and its JSON answers to refused requests.
 */
@NullMarked
package dev.sseboot.sse.web.tomcat;

import org.jspecify.annotations.NullMarked;
