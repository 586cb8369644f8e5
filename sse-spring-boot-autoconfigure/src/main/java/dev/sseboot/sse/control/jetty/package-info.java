/**
 * The control API's own connector on embedded Jetty, on its loopback address.
 */
@NullMarked
package dev.sseboot.sse.control.jetty;

import org.jspecify.annotations.NullMarked;
