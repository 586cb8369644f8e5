package dev.sseboot.sse.web;

import java.io.IOException;
import java.util.Set;

import dev.sseboot.sse.broker.StreamOutput;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Writes pre-rendered frames through an {@link SseEmitter}: the bytes go out as they
 * are, with one flush per call, and no message conversion per recipient.
 */
final class EmitterOutput implements StreamOutput {

	private final SseEmitter emitter;

	EmitterOutput(SseEmitter emitter) {
		this.emitter = emitter;
	}

	@Override
	public void write(byte[] frames) throws IOException {
		this.emitter.send(Set.of(new DataWithMediaType(frames, MediaType.TEXT_EVENT_STREAM)));
	}

	@Override
	public void complete() {
		this.emitter.complete();
	}

}
