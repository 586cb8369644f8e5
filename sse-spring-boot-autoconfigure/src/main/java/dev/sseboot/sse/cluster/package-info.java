/**
 * Cluster mode: the log the nodes share, through which every node delivers every event.
 */
@NullMarked
package dev.sseboot.sse.cluster;

import org.jspecify.annotations.NullMarked;
