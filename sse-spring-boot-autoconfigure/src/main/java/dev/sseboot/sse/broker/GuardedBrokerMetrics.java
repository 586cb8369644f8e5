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
		try {
			this.delegate.published(target);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void appended(long nanos) {
		try {
			this.delegate.appended(nanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void opened(ResumeStatus resume, int replayedEvents) {
		try {
			this.delegate.opened(resume, replayedEvents);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void closed(String reason) {
		try {
			this.delegate.closed(reason);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void dropped(String reason, int events) {
		try {
			this.delegate.dropped(reason, events);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void refused(String code) {
		try {
			this.delegate.refused(code);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void written(int events, long publishedNanos) {
		try {
			this.delegate.written(events, publishedNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	// A try in each method rather than a shared lambda: these run on every write.
	private void failed(RuntimeException ex) {
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("SSE metrics failed; the broker goes on without them where they fail", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("SSE metrics failed", ex);
		}
	}

}
