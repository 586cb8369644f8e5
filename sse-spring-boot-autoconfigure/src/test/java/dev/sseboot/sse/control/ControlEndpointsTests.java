package dev.sseboot.sse.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.sseboot.sse.broker.BrokerSettings;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseRequestException;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.security.JwtTokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ControlEndpointsTests {

	private final NodeBroker broker = NodeBroker.builder(BrokerSettings.defaults()).build();

	@AfterEach
	void stopBroker() {
		this.broker.stop();
	}

	@Test
	void answersNotImplementedToTokenRequestsWithoutTokenIssuer() {
		ControlEndpoints endpoints = new ControlEndpoints(this.broker, this.broker.status(), null, Duration.ofHours(1));
		assertThatExceptionOfType(SseRequestException.class).isThrownBy(() -> endpoints.token(form("userId=alex")))
			.withMessageContaining("sse.security.jwt.secret")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(SseErrorCode.NOT_IMPLEMENTED));
	}

	@Test
	void refusesEmitWithoutTargetOrWithConflictingOnes() {
		ControlEndpoints endpoints = new ControlEndpoints(this.broker, this.broker.status(), null, Duration.ofHours(1));
		assertThatExceptionOfType(SseRequestException.class).isThrownBy(() -> endpoints.emit(form("data=x"), null))
			.withMessageContaining("'userId'");
		assertThatExceptionOfType(SseRequestException.class)
			.isThrownBy(() -> endpoints.emit(form("connectionId=c&userId=alex&data=x"), null))
			.withMessageContaining("'connectionId'");
		assertThatExceptionOfType(SseRequestException.class)
			.isThrownBy(() -> endpoints.emit(form("userId=alex&channel=*&data=x"), null))
			.withMessageContaining("one channel");
		assertThatExceptionOfType(SseRequestException.class)
			.isThrownBy(() -> endpoints.emit(form("userId=alex&data=x&payload=data:%20y"), null))
			.withMessageContaining("'payload'");
	}

	@Test
	void refusesTokenExpiryThatIsNotAPositiveNumberOfSeconds() {
		ControlEndpoints endpoints = new ControlEndpoints(this.broker, this.broker.status(),
				new JwtTokenIssuer(TestTokens.SECRET),
				Duration.ofHours(1));
		assertThatExceptionOfType(SseRequestException.class)
			.isThrownBy(() -> endpoints.token(form("userId=alex&exp=soon")))
			.withMessageContaining("'exp'");
		assertThatExceptionOfType(SseRequestException.class)
			.isThrownBy(() -> endpoints.token(form("userId=alex&exp=0")))
			.withMessageContaining("'exp'");
	}

	private static ControlParameters form(String body) {
		return ControlParameters.fromForm(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
	}

}
