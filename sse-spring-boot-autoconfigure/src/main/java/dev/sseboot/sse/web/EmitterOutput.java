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

	private volatile boolean writeFailed;

	EmitterOutput(SseEmitter emitter) {
		this.emitter = emitter;
	}

	@Override
	public void write(byte[] frames) throws IOException {
		try {
			this.emitter.send(Set.of(new DataWithMediaType(frames, MediaType.TEXT_EVENT_STREAM)));
		}
		catch (IOException | RuntimeException ex) {
			this.writeFailed = true;
			throw ex;
		}
	}

	@Override
	public void complete() {
		// After a failed write the container ends the request itself. Completing would
		// flush the dead response, and the resulting AsyncRequestNotUsableException would
		// be dispatched to the application's @ExceptionHandler methods.
		if (!this.writeFailed) {
			this.emitter.complete();
		}
	}

}
