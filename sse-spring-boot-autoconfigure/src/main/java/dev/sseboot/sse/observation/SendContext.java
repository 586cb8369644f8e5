package dev.sseboot.sse.observation;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.micrometer.observation.transport.SenderContext;

/**
 * The context of {@code sse.send}: an application's {@code send}. Its carrier collects the
 * trace context that, in cluster mode, travels with the event through Redis.
 */
public final class SendContext extends SenderContext<Map<String, String>> {

	private final String target;

	private final String eventName;

	private final @Nullable String channel;

	/**
	 * Creates the context.
	 * @param target whom the event is addressed to: {@code user}, {@code channel},
	 * {@code user-channel}, {@code all} or {@code connection}
	 * @param eventName the event's name
	 * @param channel the addressed channel, or {@code null}
	 */
	public SendContext(String target, String eventName, @Nullable String channel) {
		super((carrier, key, value) -> carrier.put(key, value));
		setCarrier(new HashMap<>());
		this.target = target;
		this.eventName = eventName;
		this.channel = channel;
	}

	public String target() {
		return this.target;
	}

	public String eventName() {
		return this.eventName;
	}

	public @Nullable String channel() {
		return this.channel;
	}

	/**
	 * Returns the trace context the tracer put in the carrier.
	 * @return propagation headers, empty without tracing
	 */
	public Map<String, String> traceContext() {
		Map<String, String> carrier = getCarrier();
		return (carrier != null) ? carrier : Map.of();
	}

}
