package dev.sseboot.sse.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default names and key values of the starter's observations. Low-cardinality keys
 * take values from small fixed sets; event names, ids and channels are high-cardinality,
 * for traces only.
 */
public final class SseObservationConventions {

	/** {@code sse.send}: low {@code sse.target}; high {@code sse.event}, {@code sse.channel}. */
	public static final ObservationConvention<SendContext> SEND = new ObservationConvention<>() {

		@Override
		public String getName() {
			return "sse.send";
		}

		@Override
		public String getContextualName(SendContext context) {
			return "sse send " + context.target();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(SendContext context) {
			return KeyValues.of("sse.target", context.target());
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(SendContext context) {
			KeyValues values = KeyValues.of("sse.event", context.eventName());
			return (context.channel() != null) ? values.and("sse.channel", context.channel()) : values;
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof SendContext;
		}

	};

	/** {@code sse.connect}: low {@code sse.resume}. */
	public static final ObservationConvention<ConnectContext> CONNECT = new ObservationConvention<>() {

		@Override
		public String getName() {
			return "sse.connect";
		}

		@Override
		public String getContextualName(ConnectContext context) {
			return "sse connect";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(ConnectContext context) {
			return KeyValues.of("sse.resume", (context.resume() != null) ? context.resume() : "refused");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof ConnectContext;
		}

	};

	/** {@code sse.deliver}: high {@code sse.event}, {@code sse.event.id}. */
	public static final ObservationConvention<DeliverContext> DELIVER = new ObservationConvention<>() {

		@Override
		public String getName() {
			return "sse.deliver";
		}

		@Override
		public String getContextualName(DeliverContext context) {
			return "sse deliver";
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(DeliverContext context) {
			return KeyValues.of("sse.event", context.eventName(), "sse.event.id", context.eventId());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof DeliverContext;
		}

	};

	private SseObservationConventions() {
	}

}
