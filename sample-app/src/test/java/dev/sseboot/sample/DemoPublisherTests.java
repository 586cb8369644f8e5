package dev.sseboot.sample;

import dev.sseboot.sse.test.RecordingSseBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's publisher in a plain unit test: what it sends, to whom, without a server.
 */
class DemoPublisherTests {

	private final RecordingSseBroker broker = new RecordingSseBroker();

	private final DemoPublisher publisher = new DemoPublisher(this.broker, "node-a");

	@Test
	void sendsEachProjectsDronePositionToItsChannelOnly() {
		this.publisher.publishDronePositions();
		assertThat(this.broker).sentToChannel("project:1")
			.event("position")
			.times(1)
			.allSatisfy((event) -> assertThat(event.data()).isInstanceOfSatisfying(DemoPublisher.DronePosition.class,
					(position) -> assertThat(position.drone()).isEqualTo("drone-1")));
		assertThat(this.broker).sentToChannel("project:2").event("position").times(1);
		assertThat(this.broker.sent()).hasSize(2);
	}

	@Test
	void notifiesEachUserByName() {
		this.publisher.publishNotifications();
		for (String user : DemoPublisher.USERS) {
			assertThat(this.broker).sentTo(user)
				.event("notification")
				.withData(new DemoPublisher.Notification(user, "Hello " + user + ", tick 0"));
		}
	}

	@Test
	void numbersTheTickerWithTheNodesName() {
		this.publisher.publishTicker();
		this.publisher.publishTicker();
		assertThat(this.broker).sentToChannel("ticker").event("tick").withData(new DemoPublisher.Tick("node-a", 2)).times(2);
	}

}
