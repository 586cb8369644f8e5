/**
 * The cluster's log in Redis: a Redis Stream, its records numbered by a counter.
 */
@NullMarked
package dev.sseboot.sse.cluster.redis;

import org.jspecify.annotations.NullMarked;
