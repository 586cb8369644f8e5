/**
 * Test support for applications on the SSE starter: {@link dev.sseboot.sse.test.RecordingSseBroker}
 * for unit and slice tests, {@link dev.sseboot.sse.test.SseTestClient} for tests against a
 * running server, and {@link dev.sseboot.sse.test.SseTestTokens} for tokens the default JWT
 * validator accepts.
 */
@NullMarked
package dev.sseboot.sse.test;

import org.jspecify.annotations.NullMarked;
