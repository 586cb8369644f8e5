/**
 * The starter's actuator endpoint and health indicator.
 */
@NullMarked
package dev.sseboot.sse.actuate;

import org.jspecify.annotations.NullMarked;
