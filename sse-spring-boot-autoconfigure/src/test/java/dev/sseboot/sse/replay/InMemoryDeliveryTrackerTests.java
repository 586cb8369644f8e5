package dev.sseboot.sse.replay;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InMemoryDeliveryTrackerTests {

	@Test
	void remembersLastIdPerUserAndClient() {
		InMemoryDeliveryTracker tracker = new InMemoryDeliveryTracker(10, Duration.ofMinutes(1));
		tracker.record("alex", "tab-1", "e-5");
		tracker.record("alex", "tab-1", "e-7");
		tracker.record("sam", "tab-1", "e-6");
		assertThat(tracker.lastEventId("alex", "tab-1")).isEqualTo("e-7");
		assertThat(tracker.lastEventId("sam", "tab-1")).isEqualTo("e-6");
		assertThat(tracker.lastEventId("alex", "tab-2")).isNull();
	}

	@Test
	void forgetsLeastRecentlyUsedClientsBeyondItsBound() {
		InMemoryDeliveryTracker tracker = new InMemoryDeliveryTracker(2, Duration.ofMinutes(1));
		tracker.record("alex", "a", "e-1");
		tracker.record("alex", "b", "e-2");
		tracker.lastEventId("alex", "a");
		tracker.record("alex", "c", "e-3");
		assertThat(tracker.size()).isEqualTo(2);
		assertThat(tracker.lastEventId("alex", "b")).isNull();
		assertThat(tracker.lastEventId("alex", "a")).isEqualTo("e-1");
	}

	@Test
	void forgetsClientsAfterTheirTtl() {
		InMemoryDeliveryTracker tracker = new InMemoryDeliveryTracker(10, Duration.ofMillis(50));
		tracker.record("alex", "a", "e-1");
		await().atMost(Duration.ofSeconds(5)).until(() -> tracker.lastEventId("alex", "a") == null);
	}

}
