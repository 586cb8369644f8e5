package dev.sseboot.sse.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.control.ControlEndpoints.ControlResponse;
import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.error.SseRequestException;
import dev.sseboot.sse.security.JwtTokenIssuer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the control API on the requests of the {@link SseControlServer} connector and
 * answers 404 to any other path there; requests of the application's own listener pass
 * through untouched. The control API is served here, ahead of Spring Security and
 * Spring MVC, rather than by controllers: it then never shows on the public port (even
 * for paths the application also uses, such as {@code /token}), the application's
 * security chains cannot block or alter it, and its own API key is the one check.
 */
public final class ControlRequestFilter extends OncePerRequestFilter {

	/**
	 * Order of the filter: ahead of Spring Security ({@code -100} by default) and of any
	 * filter that reads a form body, so that the body is still unread.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	private static final Log logger = LogFactory.getLog(ControlRequestFilter.class);

	private static final String BEARER_PREFIX = "Bearer ";

	/** Makes a retried {@code /emit} deliver once: see {@link ControlEndpoints#emit}. */
	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final ControlEndpoints endpoints;

	private final SseErrorResponder errors;

	private final JsonMapper jsonMapper;

	private final byte @Nullable [] apiKeyDigest;

	private final int maxBodyBytes;

	/**
	 * Creates the filter.
	 * @param broker publishes and disconnects
	 * @param node reports connections per user and channel, or {@code null}
	 * @param tokenIssuer mints tokens, or {@code null} when none is configured
	 * @param errors writes error bodies
	 * @param jsonMapper reads and writes JSON bodies
	 * @param apiKey the key callers must present, or {@code null} for none
	 * @param maxTokenTtl the longest validity of a minted token
	 * @param maxBodySize the largest request body accepted
	 */
	public ControlRequestFilter(SseBroker broker, @Nullable NodeStatus node,
			@Nullable JwtTokenIssuer tokenIssuer, SseErrorResponder errors, JsonMapper jsonMapper,
			@Nullable String apiKey, Duration maxTokenTtl, DataSize maxBodySize) {
		this.endpoints = new ControlEndpoints(broker, node, tokenIssuer, maxTokenTtl);
		this.errors = errors;
		this.jsonMapper = jsonMapper;
		this.apiKeyDigest = StringUtils.hasText(apiKey) ? sha256(apiKey) : null;
		this.maxBodyBytes = Math.toIntExact(maxBodySize.toBytes());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!SseControlServer.accepted(request)) {
			chain.doFilter(request, response);
			return;
		}
		try {
			refuseBrowsers(request);
			authenticate(request);
			write(response, serve(request, response));
		}
		catch (SseRequestException ex) {
			this.errors.write(response, ex);
		}
		catch (ClusterUnavailableException ex) {
			// Not done by every node: the caller may try again.
			this.errors.write(response, SseErrorCode.UNAVAILABLE, ex.getMessage(), null);
		}
		catch (RuntimeException ex) {
			logger.error("Control request " + request.getMethod() + " " + request.getRequestURI() + " failed", ex);
			this.errors.write(response, SseErrorCode.SERVER_ERROR, "Control request failed", null);
		}
	}

	/**
	 * Refuses what only a browser would send. A web page can post a form to a loopback
	 * address without asking first, and with DNS rebinding it can even read the answer:
	 * without this, any site its user visits could mint tokens through a keyless control
	 * API. Publishers outside browsers send no {@code Origin}, and name the host they
	 * connect to.
	 */
	private void refuseBrowsers(HttpServletRequest request) {
		if (request.getHeader(HttpHeaders.ORIGIN) != null) {
			logger.warn("Control request from " + request.getRemoteAddr() + " refused: sent by a browser page");
			throw new SseRequestException(SseErrorCode.FORBIDDEN, "The control API does not serve browsers");
		}
		if (this.apiKeyDigest == null && !isLoopbackHost(request.getServerName())) {
			logger.warn("Control request from " + request.getRemoteAddr() + " refused: host is not loopback");
			throw new SseRequestException(SseErrorCode.FORBIDDEN,
					"Without an API key the control API answers only to loopback host names");
		}
	}

	private static boolean isLoopbackHost(String host) {
		String name = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		return name.equalsIgnoreCase("localhost") || name.startsWith("127.") || name.equals("::1")
				|| name.equals("0:0:0:0:0:0:0:1");
	}

	private void authenticate(HttpServletRequest request) {
		byte[] expected = this.apiKeyDigest;
		if (expected == null) {
			return;
		}
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
			logger.warn("Control request from " + request.getRemoteAddr() + " refused: no API key");
			throw new SseRequestException(SseErrorCode.UNAUTHORIZED, "Missing token/api-key");
		}
		// Digests have one length whatever the key sent, so the comparison time says
		// nothing about the key's length or content.
		byte[] presented = sha256(authorization.substring(BEARER_PREFIX.length()).strip());
		if (!MessageDigest.isEqual(presented, expected)) {
			logger.warn("Control request from " + request.getRemoteAddr() + " refused: wrong API key");
			throw new SseRequestException(SseErrorCode.FORBIDDEN, "Invalid or expired token/api-key");
		}
	}

	private ControlResponse serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		// The seed's clients post to /token/ and /emit/.
		if (path.length() > 1 && path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return switch (path) {
			case "/token" -> this.endpoints.token(parameters(request, response));
			case "/emit" -> this.endpoints.emit(parameters(request, response), request.getHeader(IDEMPOTENCY_KEY));
			case "/disconnect" -> this.endpoints.disconnect(parameters(request, response));
			case "/connections" -> {
				requireMethod(request, response, HttpMethod.GET);
				yield this.endpoints.connections();
			}
			default -> throw new SseRequestException(SseErrorCode.NOT_FOUND,
					"No control endpoint " + path + ": POST /token, /emit, /disconnect or GET /connections");
		};
	}

	private ControlParameters parameters(HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		requireMethod(request, response, HttpMethod.POST);
		byte[] body = readBody(request);
		if (body.length == 0) {
			return ControlParameters.empty();
		}
		MediaType contentType = contentType(request);
		if (contentType == null || MediaType.APPLICATION_FORM_URLENCODED.includes(contentType)) {
			Charset charset = (contentType != null && contentType.getCharset() != null) ? contentType.getCharset()
					: StandardCharsets.UTF_8;
			return ControlParameters.fromForm(body, charset);
		}
		if (MediaType.APPLICATION_JSON.includes(contentType) || "json".equals(contentType.getSubtypeSuffix())) {
			return ControlParameters.fromJson(body, this.jsonMapper);
		}
		throw new SseRequestException(SseErrorCode.UNSUPPORTED_MEDIA_TYPE,
				"Send the body as application/x-www-form-urlencoded or application/json");
	}

	private static void requireMethod(HttpServletRequest request, HttpServletResponse response, HttpMethod method) {
		if (!method.matches(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, method.name());
			throw new SseRequestException(SseErrorCode.METHOD_NOT_ALLOWED,
					"Use " + method.name() + " " + request.getRequestURI());
		}
	}

	private static @Nullable MediaType contentType(HttpServletRequest request) {
		String contentType = request.getContentType();
		if (!StringUtils.hasText(contentType)) {
			return null;
		}
		try {
			MediaType mediaType = MediaType.parseMediaType(contentType);
			// Fails here, on an unknown charset, rather than as a server error when decoding.
			mediaType.getCharset();
			return mediaType;
		}
		catch (IllegalArgumentException ex) {
			throw new SseRequestException(SseErrorCode.UNSUPPORTED_MEDIA_TYPE, "Malformed Content-Type");
		}
	}

	/**
	 * Reads the body, never more than one byte past the limit, whether or not the client
	 * declared its length.
	 */
	private byte[] readBody(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > this.maxBodyBytes) {
			throw tooLarge();
		}
		try (InputStream input = request.getInputStream()) {
			byte[] body = input.readNBytes(this.maxBodyBytes + 1);
			if (body.length > this.maxBodyBytes) {
				throw tooLarge();
			}
			return body;
		}
	}

	private SseRequestException tooLarge() {
		return new SseRequestException(SseErrorCode.PAYLOAD_TOO_LARGE,
				"The body exceeds sse.control.max-body-size (" + this.maxBodyBytes + " bytes)");
	}

	private void write(HttpServletResponse response, ControlResponse result) throws IOException {
		response.setStatus(result.status().value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		// Minted tokens must not be kept by caches.
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		this.jsonMapper.writeValue(response.getOutputStream(), result.body());
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
