package dev.sseboot.sse.broker;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.sseboot.sse.replay.ResumeStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps a failing {@link BrokerMetrics} from breaking the broker: its calls sit in the
 * middle of registering, writing and dropping streams. A failure is logged once at WARN,
 * then at DEBUG.
 */
final class GuardedBrokerMetrics implements BrokerMetrics {

	private static final Log logger = LogFactory.getLog(GuardedBrokerMetrics.class);

	private final BrokerMetrics delegate;

	private final AtomicBoolean warned = new AtomicBoolean();

	GuardedBrokerMetrics(BrokerMetrics delegate) {
		this.delegate = delegate;
	}

	@Override
	public void published(Target target) {
		guard(() -> this.delegate.published(target));
	}

	@Override
	public void appended(long nanos) {
		guard(() -> this.delegate.appended(nanos));
	}

	@Override
	public void opened(ResumeStatus resume, int replayedEvents) {
		guard(() -> this.delegate.opened(resume, replayedEvents));
	}

	@Override
	public void closed(String reason) {
		guard(() -> this.delegate.closed(reason));
	}

	@Override
	public void dropped(String reason, int events) {
		guard(() -> this.delegate.dropped(reason, events));
	}

	@Override
	public void refused(String code) {
		guard(() -> this.delegate.refused(code));
	}

	@Override
	public void written(int events, long publishedNanos) {
		guard(() -> this.delegate.written(events, publishedNanos));
	}

	private void guard(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			if (this.warned.compareAndSet(false, true)) {
				logger.warn("SSE metrics failed; the broker goes on without them where they fail", ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("SSE metrics failed", ex);
			}
		}
	}

}
