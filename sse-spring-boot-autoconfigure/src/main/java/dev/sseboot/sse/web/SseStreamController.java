package dev.sseboot.sse.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.broker.ConnectionRejectedException;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.broker.SseStream;
import dev.sseboot.sse.broker.StreamRequest;
import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.error.SseRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.stereotype.Controller;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The stream endpoint, {@code GET {sse.path}}. The security filter chain has already
 * authenticated the request; this checks the channels, opens the stream and hands its
 * writing to the broker.
 */
@Controller
public class SseStreamController {

	static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

	static final String LAST_EVENT_ID_PARAMETER = "lastEventId";

	static final String CLIENT_ID_PARAMETER = "clientId";

	/** {@code true}: events sent to a channel are named {@code <channel> <event>} on the stream. */
	static final String CHANNEL_PREFIX_PARAMETER = "channelPrefix";

	/** The response buffer a stream asks for: frames are larger, or flushed at once. */
	static final int RESPONSE_BUFFER_SIZE = 1024;

	private static final Pattern VALID_CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	/** Stands for a {@code Last-Event-ID} that cannot be read: no event has this id. */
	private static final String UNREADABLE_LAST_EVENT_ID = "unreadable";

	private final NodeBroker broker;

	private final SseErrorResponder errors;

	private final long emitterTimeoutMillis;

	private final int maxChannels;

	/**
	 * Creates the controller.
	 * @param broker the broker
	 * @param errors writes error bodies
	 * @param emitterTimeout the async request timeout, a backstop behind the broker's own
	 * lifetime limit
	 * @param maxChannels how many channels one stream may name
	 */
	public SseStreamController(NodeBroker broker, SseErrorResponder errors, Duration emitterTimeout,
			int maxChannels) {
		this.broker = broker;
		this.errors = errors;
		this.emitterTimeoutMillis = emitterTimeout.toMillis();
		this.maxChannels = maxChannels;
	}

	@GetMapping("${sse.path:/sse}")
	public SseEmitter stream(@AuthenticationPrincipal @Nullable SsePrincipal principal, HttpServletRequest request,
			HttpServletResponse response) {
		if (principal == null) {
			throw new SseRequestException(SseErrorCode.UNAUTHORIZED, "Missing token/api-key");
		}
		Set<String> channels = ChannelSelection.resolve(principal, request.getParameterValues("channel"),
				this.maxChannels);
		StreamRequest streamRequest = new StreamRequest(principal, channels, lastEventId(request), clientId(request),
				request.getRemoteAddr(), Boolean.parseBoolean(request.getParameter(CHANNEL_PREFIX_PARAMETER)));
		// Frames bypass the emitter's converters, so the headers are set here, before any write.
		response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-store");
		response.setHeader("X-Accel-Buffering", "no");
		response.setHeader("Referrer-Policy", "no-referrer");
		// Jetty keeps a response's aggregation buffer (32 KB) for the stream's whole life;
		// frames are written and flushed whole, so a small one costs nothing. Tomcat only
		// ever grows its buffer: there, this changes nothing (see sse.tomcat.*).
		response.setBufferSize(RESPONSE_BUFFER_SIZE);
		SseEmitter emitter = new SseEmitter(this.emitterTimeoutMillis);
		ServletStreamOutput output = new ServletStreamOutput(emitter, response,
				(ClientConnection) request.getAttribute(ClientConnection.ATTRIBUTE));
		WebAsyncUtils.getAsyncManager(request).registerDeferredResultInterceptor(ServletStreamOutput.class, output);
		SseStream stream = open(streamRequest, output);
		emitter.onCompletion(() -> this.broker.detach(stream));
		emitter.onError((ex) -> this.broker.detach(stream));
		emitter.onTimeout(() -> {
			this.broker.detach(stream);
			emitter.complete();
		});
		return emitter;
	}

	/**
	 * The header wins: browsers send it on every automatic reconnect, while a
	 * {@code lastEventId} parameter in the URL is as old as the page.
	 */
	private static @Nullable String lastEventId(HttpServletRequest request) {
		String header;
		try {
			header = request.getHeader(LAST_EVENT_ID_HEADER);
		}
		catch (RequestRejectedException ex) {
			// Control characters the request firewall refuses: a malformed id, which resumes as reset.
			return UNREADABLE_LAST_EVENT_ID;
		}
		return StringUtils.hasText(header) ? header.strip() : request.getParameter(LAST_EVENT_ID_PARAMETER);
	}

	private static @Nullable String clientId(HttpServletRequest request) {
		String clientId = request.getParameter(CLIENT_ID_PARAMETER);
		if (clientId != null && !VALID_CLIENT_ID.matcher(clientId).matches()) {
			throw new SseRequestException(SseErrorCode.BAD_REQUEST,
					"Invalid clientId: 1 to 64 letters, digits, '-' or '_'");
		}
		return clientId;
	}

	private SseStream open(StreamRequest request, ServletStreamOutput output) {
		try {
			return this.broker.open(request, output);
		}
		catch (ConnectionRejectedException ex) {
			SseErrorCode code = (ex.rejection() == ConnectionRejectedException.Cause.USER_LIMIT)
					? SseErrorCode.TOO_MANY_REQUESTS : SseErrorCode.UNAVAILABLE;
			throw new SseRequestException(code, ex.getMessage(), ex.retryAfter());
		}
	}

	/**
	 * Answers refused requests here rather than through the application's
	 * {@code @ControllerAdvice}, which may not render our error body.
	 * @param ex the refusal
	 * @param response the response
	 * @throws IOException if the response cannot be written
	 */
	@ExceptionHandler(SseRequestException.class)
	void refused(SseRequestException ex, HttpServletResponse response) throws IOException {
		this.errors.write(response, ex);
	}

	/**
	 * Ends the request of a stream whose client went away. Handled here so that it never
	 * reaches the application's {@code @ControllerAdvice}, which would try to write an
	 * error body to a dead {@code text/event-stream} response.
	 */
	@ExceptionHandler({ AsyncRequestNotUsableException.class, IOException.class })
	void clientDisconnected() {
	}

}
