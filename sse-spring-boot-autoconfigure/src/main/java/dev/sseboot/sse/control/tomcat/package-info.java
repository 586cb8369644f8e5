/**
 * The control API's own connector on embedded Tomcat, on its loopback address.
 */
@NullMarked
package dev.sseboot.sse.control.tomcat;

import org.jspecify.annotations.NullMarked;
