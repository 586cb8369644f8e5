/**
 * Spring Security integration: token resolution, authentication through {@link dev.sseboot.sse.TokenValidator}, and the default JWT validator.
 */
@NullMarked
package dev.sseboot.sse.security;

import org.jspecify.annotations.NullMarked;
