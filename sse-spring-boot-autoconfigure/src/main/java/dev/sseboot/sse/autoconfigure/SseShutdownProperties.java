package dev.sseboot.sse.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * How a node that shuts down lets its clients go: it refuses new streams at once, then
 * closes its streams with 'sse-close' reason 'shutdown', spread out so that their
 * reconnects reach the other nodes at a bounded rate. Both times together are kept
 * within spring.lifecycle.timeout-per-shutdown-phase.
 */
@ConfigurationProperties("sse.shutdown")
public class SseShutdownProperties {

	/**
	 * How long the node waits, refusing new streams, before it starts closing its
	 * streams: the time a load balancer takes to stop routing to it (for Kubernetes,
	 * what the pre-stop hook does not already wait).
	 */
	private Duration drainDelay = Duration.ZERO;

	/**
	 * Over how long the node closes its streams, in equal batches; 0 closes them all
	 * at once.
	 */
	private Duration drainPeriod = Duration.ofSeconds(5);

	public Duration getDrainDelay() {
		return this.drainDelay;
	}

	public void setDrainDelay(Duration drainDelay) {
		Assert.isTrue(!drainDelay.isNegative(), "sse.shutdown.drain-delay must not be negative");
		this.drainDelay = drainDelay;
	}

	public Duration getDrainPeriod() {
		return this.drainPeriod;
	}

	public void setDrainPeriod(Duration drainPeriod) {
		Assert.isTrue(!drainPeriod.isNegative(), "sse.shutdown.drain-period must not be negative");
		this.drainPeriod = drainPeriod;
	}

}
