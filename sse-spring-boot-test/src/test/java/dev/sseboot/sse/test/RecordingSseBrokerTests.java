package dev.sseboot.sse.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordingSseBrokerTests {

	private final RecordingSseBroker broker = new RecordingSseBroker();

	@Test
	void recordsWhatIsSentToWhom() {
		String id = this.broker.toUser("alice").send("order-shipped", Map.of("order", "42"));
		this.broker.toUser("alice").channel("orders").send("order-paid", "42");
		this.broker.toChannel("news").send("headline", "hello");
		this.broker.toAll().send("notice", "maintenance");
		this.broker.toConnection("c-1").send("ping", "1");
		assertThat(id).isEqualTo("recorded-1");
		assertThat(this.broker.sent()).hasSize(5);
		assertThat(this.broker).sentTo("alice").event("order-shipped").withData(Map.of("order", "42")).times(1);
		assertThat(this.broker).sentTo("alice").event("order-paid").withData("42");
		assertThat(this.broker).sentToChannel("orders").event("order-paid");
		assertThat(this.broker).sentToChannel("news").event("headline").withData("hello");
		assertThat(this.broker).sentToAll().event("notice").times(1);
		assertThat(this.broker).sentToConnection("c-1").event("ping");
		assertThat(this.broker).sentNothingTo("bob");
	}

	@Test
	void failsWithWhatWasSentInstead() {
		this.broker.toUser("alice").send("order-shipped", "42");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.broker).sentTo("bob"))
			.withMessageContaining("Expected an event to user bob but sent [order-shipped to user alice: 42]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.broker).sentTo("alice").event("order-paid"))
			.withMessageContaining("Expected event <order-paid> to user alice");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.broker).sentTo("alice").event("order-shipped").withData("43"))
			.withMessageContaining("with data <43>");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.broker).sentTo("alice").times(2))
			.withMessageContaining("Expected 2 events to user alice but sent 1");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(this.broker).sentNothing());
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(this.broker).sentToAll());
	}

	@Test
	void recordsASendOnceForARepeatedIdempotencyKeyAsTheStarterDoes() {
		String first = this.broker.toUser("alice").withIdempotencyKey("order-42").send("order-shipped", "42");
		String retry = this.broker.toUser("alice").withIdempotencyKey("order-42").send("order-shipped", "42");
		assertThat(retry).isEqualTo(first);
		assertThat(this.broker).sentTo("alice").event("order-shipped").times(1);
		this.broker.clear();
		this.broker.toUser("alice").withIdempotencyKey("order-42").send("order-shipped", "42");
		assertThat(this.broker).sentTo("alice").times(1);
	}

	@Test
	void refusesTheServersReservedNamesAsTheStarterDoes() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toAll().send("sse-close", "{}"));
		assertThat(this.broker).sentNothing();
	}

	@Test
	void recordsDisconnectsAndForgetsOnClear() {
		this.broker.disconnectUser("mallory");
		assertThat(this.broker).disconnected("mallory");
		this.broker.toAll().send("notice", "1");
		this.broker.clear();
		assertThat(this.broker).sentNothing();
		assertThat(this.broker.disconnectedUsers()).isEmpty();
	}

}
