package dev.sseboot.sse.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdTests {

	@Test
	void parsesEpochAndSequence() {
		EventId id = EventId.parse("mwr1q42m-42");
		assertThat(id).isEqualTo(new EventId("mwr1q42m", 42));
		assertThat(id).hasToString("mwr1q42m-42");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "42", "-42", "abc-", "abc-x1", "ab c-1", "abc--1", "abc-1.5", "a\n-1",
			"abc-99999999999999999999", "0123456789012345678901234567890123456789012345678901234567890123-1" })
	void rejectsIdsThatAreNotOurs(String value) {
		assertThat(EventId.parse(value)).isNull();
	}

}
