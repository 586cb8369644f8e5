package dev.sseboot.sse.control;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseRequestException;
import dev.sseboot.sse.security.JwtTokenIssuer.IssuedToken;
import dev.sseboot.sse.security.JwtTokenIssuer;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

import static dev.sseboot.sse.control.ControlParameters.badRequest;

/**
 * The four operations of the control API, on parameters already parsed and a caller
 * already authenticated.
 */
final class ControlEndpoints {

	/** Stands for every user in {@code userId}, as in the seed. */
	static final String ALL_USERS = "*";

	private static final int MAX_NAME_LENGTH = 256;

	private static final Set<String> TOKEN_PARAMETERS = Set.of("userId", "channel", "channels", "exp");

	private static final Set<String> EMIT_PARAMETERS = Set.of("userId", "channel", "connectionId", "event", "data",
			"payload", "id");

	private static final Set<String> DISCONNECT_PARAMETERS = Set.of("userId", "connectionId");

	private final SseBroker broker;

	private final @Nullable NodeStatus node;

	private final @Nullable JwtTokenIssuer tokenIssuer;

	private final Duration maxTokenTtl;

	/**
	 * Creates the endpoints.
	 * @param broker publishes and disconnects
	 * @param node reports connections per user and channel, or {@code null} when the
	 * broker is not the starter's
	 * @param tokenIssuer mints tokens, or {@code null} when no secret is configured
	 * @param maxTokenTtl the longest validity of a minted token
	 */
	ControlEndpoints(SseBroker broker, @Nullable NodeStatus node, @Nullable JwtTokenIssuer tokenIssuer,
			Duration maxTokenTtl) {
		this.broker = broker;
		this.node = node;
		this.tokenIssuer = tokenIssuer;
		this.maxTokenTtl = maxTokenTtl;
	}

	/**
	 * {@code POST /token}: mints a stream token.
	 * @param parameters {@code userId}, {@code channel} or {@code channels} (repeatable),
	 * {@code exp} in seconds
	 * @return 200 with {@code {token, expiresAt}}
	 */
	ControlResponse token(ControlParameters parameters) {
		parameters.requireOnly(TOKEN_PARAMETERS);
		JwtTokenIssuer issuer = this.tokenIssuer;
		if (issuer == null) {
			throw new SseRequestException(SseErrorCode.NOT_IMPLEMENTED,
					"No token issuer: set sse.security.jwt.secret to mint tokens on the control API");
		}
		String userId = checked("userId", parameters.single("userId"));
		if (userId == null) {
			throw badRequest("Parameter 'userId' is required");
		}
		Set<String> channels = new LinkedHashSet<>();
		for (String parameter : List.of("channel", "channels")) {
			for (String channel : parameters.all(parameter)) {
				channels.add(checked(parameter, channel));
			}
		}
		IssuedToken token = issuer.issue(userId, List.copyOf(channels), ttl(parameters.single("exp")));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("token", token.token());
		body.put("expiresAt", token.expiresAt().toString());
		return new ControlResponse(HttpStatus.OK, body);
	}

	/**
	 * {@code POST /emit}: publishes one event.
	 * @param parameters the target ({@code userId}, {@code *} for every user, and/or
	 * {@code channel}, or {@code connectionId}), and the event ({@code event} and
	 * {@code data}, or the seed's {@code payload})
	 * @param idempotencyKey the request's {@code Idempotency-Key}, or {@code null}: a
	 * request with a key seen within the idempotency window sends nothing and answers
	 * with the first one's id
	 * @return 202 with the event's {@code {id}}
	 */
	ControlResponse emit(ControlParameters parameters, @Nullable String idempotencyKey) {
		parameters.requireOnly(EMIT_PARAMETERS);
		if (parameters.has("id")) {
			throw badRequest("Parameter 'id' is not accepted: event ids are assigned by the server, so that clients "
					+ "can resume with Last-Event-ID; the response carries the id");
		}
		SseBroker.Recipients recipients = recipients(parameters);
		String name = parameters.single("event");
		String data = parameters.single("data");
		String payload = parameters.single("payload");
		if (payload != null) {
			if (name != null || data != null) {
				throw badRequest("Parameter 'payload' cannot be combined with 'event' or 'data'");
			}
			EventPayload event = EventPayload.parse(payload);
			name = event.name();
			data = event.data();
		}
		if (data == null) {
			throw badRequest("Parameter 'data' (or 'payload') is required");
		}
		name = (name != null) ? checkedEventName(name) : SseEvent.DEFAULT_NAME;
		String id;
		try {
			id = ((idempotencyKey != null) ? recipients.withIdempotencyKey(idempotencyKey) : recipients).send(name,
					data);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(ex.getMessage());
		}
		return new ControlResponse(HttpStatus.ACCEPTED, Map.of("id", id));
	}

	/**
	 * {@code POST /disconnect}: closes streams with reason {@code revoked}.
	 * @param parameters {@code userId} or {@code connectionId}
	 * @return 200 with the number of streams {@code closed}
	 */
	ControlResponse disconnect(ControlParameters parameters) {
		parameters.requireOnly(DISCONNECT_PARAMETERS);
		String userId = checked("userId", parameters.single("userId"));
		String connectionId = checked("connectionId", parameters.single("connectionId"));
		if ((userId == null) == (connectionId == null)) {
			throw badRequest("Exactly one of 'userId' and 'connectionId' is required");
		}
		int closed = (userId != null) ? this.broker.disconnectUser(userId)
				: (this.broker.disconnect(connectionId) ? 1 : 0);
		return new ControlResponse(HttpStatus.OK, Map.of("closed", closed));
	}

	/**
	 * {@code GET /connections}: presence on this node.
	 * @return 200 with the {@code total}, and counts by {@code users} and
	 * {@code channels} when the broker is the local one
	 */
	ControlResponse connections() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("total", this.broker.connectionCount());
		if (this.node != null) {
			body.put("users", this.node.connectionCountsByUser());
			body.put("channels", this.node.connectionCountsByChannel());
		}
		return new ControlResponse(HttpStatus.OK, body);
	}

	private SseBroker.Recipients recipients(ControlParameters parameters) {
		String userId = checked("userId", parameters.single("userId"));
		String channel = checked("channel", parameters.single("channel"));
		String connectionId = checked("connectionId", parameters.single("connectionId"));
		if (connectionId != null) {
			if (userId != null || channel != null) {
				throw badRequest("Parameter 'connectionId' cannot be combined with 'userId' or 'channel'");
			}
			return this.broker.toConnection(connectionId);
		}
		if (userId == null && channel == null) {
			throw badRequest("Parameter 'userId' is required ('*' for every user), unless 'channel' or "
					+ "'connectionId' is given");
		}
		if (SsePrincipal.ALL_CHANNELS.equals(channel)) {
			throw badRequest("Parameter 'channel' must name one channel: leave it out to address every channel");
		}
		if (userId == null || userId.equals(ALL_USERS)) {
			return (channel != null) ? this.broker.toChannel(channel) : this.broker.toAll();
		}
		SseBroker.UserRecipients user = this.broker.toUser(userId);
		return (channel != null) ? user.channel(channel) : user;
	}

	private Duration ttl(@Nullable String exp) {
		if (exp == null) {
			return this.maxTokenTtl;
		}
		long seconds;
		try {
			seconds = Long.parseLong(exp.strip());
		}
		catch (NumberFormatException ex) {
			throw badRequest("Parameter 'exp' must be a number of seconds");
		}
		if (seconds <= 0) {
			throw badRequest("Parameter 'exp' must be a positive number of seconds");
		}
		Duration requested = Duration.ofSeconds(seconds);
		return (requested.compareTo(this.maxTokenTtl) > 0) ? this.maxTokenTtl : requested;
	}

	private static String checkedEventName(String name) {
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || hasControlCharacter(name)) {
			throw badRequest("Parameter 'event' must be one line of at most " + MAX_NAME_LENGTH
					+ " characters without control characters");
		}
		if (SseEvent.isReserved(name)) {
			throw badRequest("Parameter 'event' may not be '" + name + "': it is reserved for the server");
		}
		return name;
	}

	/**
	 * Checks a user id, channel or connection id: what is not sent to clients as is must
	 * still not carry line breaks into tokens, logs and presence reports.
	 */
	private static @Nullable String checked(String parameter, @Nullable String value) {
		if (value == null) {
			return null;
		}
		if (value.isBlank() || value.length() > MAX_NAME_LENGTH || hasControlCharacter(value)) {
			throw badRequest("Parameter '" + parameter + "' must be 1 to " + MAX_NAME_LENGTH
					+ " characters without control characters");
		}
		return value;
	}

	private static boolean hasControlCharacter(String value) {
		return value.chars().anyMatch(Character::isISOControl);
	}

	/**
	 * What an endpoint answers.
	 * @param status the status
	 * @param body the body, written as JSON
	 */
	record ControlResponse(HttpStatus status, Object body) {
	}

}
