package dev.sseboot.sse.cluster.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.sseboot.sse.cluster.LogRecord;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link LogRecord} is written as an entry of the Redis Stream, and read back: one
 * field per part, left out when empty, the entry's id {@code <sequence>-0}. The log's
 * transport is {@link RedisClusterLog}'s (appending in batches) and
 * {@link RedisLogReader}'s (reading in order).
 */
final class LogEntries {

	static final String EPOCH_FIELD = "e";

	private static final String NAME_FIELD = "n";

	private static final String DATA_FIELD = "d";

	private static final String TIME_FIELD = "t";

	private static final String USER_FIELD = "u";

	private static final String CHANNEL_FIELD = "c";

	private static final String CONNECTION_FIELD = "x";

	private static final String KIND_FIELD = "k";

	/** The publisher's trace context: one {@code name=value} line per propagation header. */
	private static final String TRACE_FIELD = "h";

	/** How each kind of record is marked; events, the most, are not. */
	private static final Map<LogRecord.Kind, String> KIND_MARKS = Map.of(LogRecord.Kind.CLOSE_USER, "u",
			LogRecord.Kind.CLOSE_CONNECTION, "c", LogRecord.Kind.REVOKE_TOKEN, "r");

	/**
	 * Returns the sequence of an entry from its stream id.
	 * @param streamId the id, {@code <sequence>-0}
	 * @return the sequence
	 */
	static long sequenceOf(String streamId) {
		return Long.parseLong(streamId, 0, streamId.indexOf('-'), 10);
	}

	/**
	 * Returns a record as the append script takes it: its idempotency key (or empty), the
	 * revoked token's id (or empty) and its expiry, the channel whose last event it is kept
	 * as (or empty), the number of field arguments, then field and value pairs.
	 * @param record the record
	 * @param idempotencyKey the key, or {@code null}
	 * @param keptLatest whether it is kept as its channel's last event
	 * @return the script's arguments for it
	 */
	static List<String> arguments(LogRecord record, @Nullable String idempotencyKey, boolean keptLatest) {
		List<String> arguments = new ArrayList<>(20);
		arguments.add((idempotencyKey != null) ? idempotencyKey : "");
		boolean revocation = record.kind() == LogRecord.Kind.REVOKE_TOKEN;
		arguments.add(revocation ? record.data() : "");
		arguments.add(Long.toString(record.timestamp().toEpochMilli()));
		arguments.add((keptLatest && record.channel() != null) ? record.channel() : "");
		arguments.add("");
		addIfPresent(arguments, KIND_FIELD, KIND_MARKS.get(record.kind()));
		arguments.add(NAME_FIELD);
		arguments.add(record.name());
		arguments.add(DATA_FIELD);
		arguments.add(record.data());
		arguments.add(TIME_FIELD);
		arguments.add(Long.toString(record.timestamp().toEpochMilli()));
		addIfPresent(arguments, USER_FIELD, record.userId());
		addIfPresent(arguments, CHANNEL_FIELD, record.channel());
		addIfPresent(arguments, CONNECTION_FIELD, record.connectionId());
		if (!record.traceContext().isEmpty()) {
			addIfPresent(arguments, TRACE_FIELD, encode(record.traceContext()));
		}
		arguments.set(4, Integer.toString(arguments.size() - 5));
		return arguments;
	}

	private static void addIfPresent(List<String> arguments, String field, @Nullable String value) {
		if (value != null) {
			arguments.add(field);
			arguments.add(value);
		}
	}

	/**
	 * Reads a record back from an entry's fields.
	 * @param sequence its sequence
	 * @param fields the entry's fields by name
	 * @return the record
	 */
	static LogRecord toRecord(long sequence, Function<String, @Nullable Object> fields) {
		return new LogRecord(sequence, kindOf(optional(fields.apply(KIND_FIELD))),
				String.valueOf(fields.apply(NAME_FIELD)), String.valueOf(fields.apply(DATA_FIELD)),
				Instant.ofEpochMilli(Long.parseLong(String.valueOf(fields.apply(TIME_FIELD)))),
				optional(fields.apply(USER_FIELD)), optional(fields.apply(CHANNEL_FIELD)),
				optional(fields.apply(CONNECTION_FIELD)), decode(optional(fields.apply(TRACE_FIELD))));
	}

	/** Header names hold no '=' and values no line break: W3C, B3 and baggage alike. */
	private static String encode(Map<String, String> headers) {
		StringBuilder encoded = new StringBuilder();
		headers.forEach((name, value) -> encoded.append(name).append('=').append(value).append('\n'));
		return encoded.toString();
	}

	private static Map<String, String> decode(@Nullable String encoded) {
		if (encoded == null || encoded.isEmpty()) {
			return Map.of();
		}
		Map<String, String> headers = new HashMap<>();
		for (String line : encoded.split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				headers.put(line.substring(0, equals), line.substring(equals + 1));
			}
		}
		return headers;
	}

	private static LogRecord.Kind kindOf(@Nullable String mark) {
		if (mark == null) {
			return LogRecord.Kind.EVENT;
		}
		return KIND_MARKS.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(mark))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Unknown record kind '" + mark + "' in the cluster's log"));
	}

	private static @Nullable String optional(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	private LogEntries() {
	}

}
