/**
 * The starter's error vocabulary: the codes, the refusal a request gets, and the JSON body
 * that answers it, shared by the stream endpoint, its security chain and the control API.
 */
@NullMarked
package dev.sseboot.sse.error;

import org.jspecify.annotations.NullMarked;
