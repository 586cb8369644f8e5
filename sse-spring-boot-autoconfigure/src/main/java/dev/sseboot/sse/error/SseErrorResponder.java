package dev.sseboot.sse.error;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Writes the JSON error body of the stream endpoint, {@code {"code": …, "message": …}},
 * for the controller and the security filter chain alike.
 */
public final class SseErrorResponder {

	private final JsonMapper jsonMapper;

	private final Consumer<SseErrorCode> onRefusal;

	/**
	 * Creates a responder.
	 * @param jsonMapper writes the bodies
	 */
	public SseErrorResponder(JsonMapper jsonMapper) {
		this(jsonMapper, (code) -> {
		});
	}

	/**
	 * Creates a responder that reports every refusal it answers, for meters.
	 * @param jsonMapper writes the bodies
	 * @param onRefusal told the code of every refusal written
	 */
	public SseErrorResponder(JsonMapper jsonMapper, Consumer<SseErrorCode> onRefusal) {
		this.jsonMapper = jsonMapper;
		this.onRefusal = onRefusal;
	}

	/**
	 * Writes an error response, unless the response is already committed.
	 * @param response the response
	 * @param code the error code
	 * @param message the message, never containing a token
	 * @param retryAfter the {@code Retry-After} delay, or {@code null}
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletResponse response, SseErrorCode code, String message, @Nullable Duration retryAfter)
			throws IOException {
		write(response, code.status().value(), code, message, retryAfter);
	}

	private void write(HttpServletResponse response, int status, SseErrorCode code, String message,
			@Nullable Duration retryAfter) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		this.onRefusal.accept(code);
		response.resetBuffer();
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		if (code == SseErrorCode.UNAUTHORIZED) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		if (retryAfter != null) {
			// Rounded up: a client that comes back on time must not be early.
			long seconds = Math.max(1, retryAfter.plusNanos(999_999_999).toSeconds());
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}
		this.jsonMapper.writeValue(response.getOutputStream(), body(code, message));
	}

	/**
	 * Writes the response for a stream request that the container or a framework refused
	 * with a bare status, such as Tomcat's 400 for an oversized header or the request
	 * firewall's 400: the status kept, the code that goes with it, and a message that says
	 * no more than the status.
	 * @param response the response
	 * @param status the status of the refusal
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletResponse response, int status) throws IOException {
		SseErrorCode code = SseErrorCode.forStatus(status);
		if (code == SseErrorCode.METHOD_NOT_ALLOWED) {
			response.setHeader(HttpHeaders.ALLOW, "GET");
		}
		write(response, status, code, refusalMessage(code, status), null);
	}

	/**
	 * Returns the JSON body for a stream request that the container refused with a bare
	 * status, for a container adapter that answers outside the Servlet API (Jetty's
	 * server-level error handler). The code is {@link SseErrorCode#forStatus(int)}'s.
	 * @param status the status of the refusal
	 * @return the body, UTF-8
	 */
	public byte[] refusalBody(int status) {
		SseErrorCode code = SseErrorCode.forStatus(status);
		this.onRefusal.accept(code);
		return this.jsonMapper.writeValueAsBytes(body(code, refusalMessage(code, status)));
	}

	private static String refusalMessage(SseErrorCode code, int status) {
		return switch (code) {
			case METHOD_NOT_ALLOWED -> "Streams are opened with GET";
			case BAD_REQUEST -> "Malformed stream request (HTTP " + status + ")";
			default -> "Stream request refused (HTTP " + status + ")";
		};
	}

	private static Map<String, String> body(SseErrorCode code, String message) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("code", code.name());
		body.put("message", message);
		return body;
	}

	/**
	 * Writes the response for a refused stream request.
	 * @param response the response
	 * @param ex the refusal
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletResponse response, SseRequestException ex) throws IOException {
		write(response, ex.code(), ex.getMessage(), ex.retryAfter());
	}

}
