package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class IdempotentSendsTests {

	private final AtomicInteger sends = new AtomicInteger();

	@Test
	void sendsAgainWithAKeyOnceItsWindowHasPassedAndForgetsExpiredKeys() {
		IdempotentSends sent = new IdempotentSends(Duration.ofMillis(200));
		String first = sent.send("k", this::send);
		assertThat(sent.send("k", this::send)).isEqualTo(first);
		await().atMost(Duration.ofSeconds(5)).until(() -> !sent.send("k", this::send).equals(first));
		assertThat(this.sends).hasValue(2);
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			sent.send("other", this::send);
			return sent.size() == 1;
		});
	}

	@Test
	void remembersNothingForASendThatFailed() {
		IdempotentSends sent = new IdempotentSends(Duration.ofMinutes(5));
		assertThatIllegalStateException().isThrownBy(() -> sent.send("k", () -> {
			throw new IllegalStateException("refused");
		}));
		assertThat(sent.size()).isZero();
		assertThat(sent.send("k", this::send)).isEqualTo("id-1");
	}

	private String send() {
		return "id-" + this.sends.incrementAndGet();
	}

}
