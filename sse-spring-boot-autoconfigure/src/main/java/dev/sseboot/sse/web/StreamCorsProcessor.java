package dev.sseboot.sse.web;

import java.io.IOException;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Spring's CORS processing of the stream endpoint, refusing a cross-origin request from an
 * origin that is not allowed with the starter's JSON body rather than plain text.
 */
public final class StreamCorsProcessor extends DefaultCorsProcessor {

	private final SseErrorResponder errors;

	public StreamCorsProcessor(SseErrorResponder errors) {
		this.errors = errors;
	}

	@Override
	protected void rejectRequest(ServerHttpResponse response) throws IOException {
		this.errors.write(((ServletServerHttpResponse) response).getServletResponse(), SseErrorCode.FORBIDDEN,
				"Cross-origin stream request from an origin that is not allowed (sse.cors.allowed-origins)", null);
	}

}
