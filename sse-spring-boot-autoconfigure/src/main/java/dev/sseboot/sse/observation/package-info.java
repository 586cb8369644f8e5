/**
 * Micrometer Observations of the starter: sending an event, opening a stream, and in
 * cluster mode delivering an event read from the cluster's log, in the publisher's trace.
 */
@NullMarked
package dev.sseboot.sse.observation;

import org.jspecify.annotations.NullMarked;
