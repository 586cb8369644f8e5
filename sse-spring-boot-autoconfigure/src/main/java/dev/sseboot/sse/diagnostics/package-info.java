/**
 * Start-up failures of the starter, told the Spring Boot way: an
 * {@code APPLICATION FAILED TO START} block with a description and an action.
 */
@NullMarked
package dev.sseboot.sse.diagnostics;

import org.jspecify.annotations.NullMarked;
