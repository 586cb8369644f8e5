/**
 * What the starter adds to embedded Jetty: connection limits for long-lived streams, the
 * filter that watches a stream's connection, and its JSON answers to refused requests.
 */
@NullMarked
package dev.sseboot.sse.web.jetty;

import org.jspecify.annotations.NullMarked;
