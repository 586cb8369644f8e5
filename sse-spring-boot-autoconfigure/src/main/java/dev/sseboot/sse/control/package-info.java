/**
 * The control API: a second listener, on its own address and port, on which publishers
 * outside the application mint stream tokens, emit events, revoke streams and read
 * presence.
 */
@NullMarked
package dev.sseboot.sse.control;

import org.jspecify.annotations.NullMarked;
