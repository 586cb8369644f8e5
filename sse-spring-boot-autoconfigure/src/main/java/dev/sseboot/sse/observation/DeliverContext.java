package dev.sseboot.sse.observation;

import java.util.Map;

import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of {@code sse.deliver}: in cluster mode, a node delivering an event it read
 * from the cluster's log to its streams. Its carrier holds the publisher's trace context,
 * so the span joins the publisher's trace.
 */
public final class DeliverContext extends ReceiverContext<Map<String, String>> {

	private final String eventName;

	private final String eventId;

	/**
	 * Creates the context.
	 * @param traceContext the publisher's trace context
	 * @param eventName the event's name
	 * @param eventId the event's id
	 */
	public DeliverContext(Map<String, String> traceContext, String eventName, String eventId) {
		super((carrier, key) -> carrier.get(key));
		setCarrier(traceContext);
		this.eventName = eventName;
		this.eventId = eventId;
	}

	public String eventName() {
		return this.eventName;
	}

	public String eventId() {
		return this.eventId;
	}

}
