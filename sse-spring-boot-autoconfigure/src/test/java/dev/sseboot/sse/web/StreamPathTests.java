package dev.sseboot.sse.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamPathTests {

	private final StreamPath path = new StreamPath("/app/sse");

	@Test
	void matchesThePathAsTheContainerMapsIt() {
		assertThat(this.path.matches("/app/sse")).isTrue();
		assertThat(this.path.matches("/app/sse;jsessionid=1")).isTrue();
		assertThat(this.path.matches("/app;v=1/sse")).isTrue();
		assertThat(this.path.matches("//app//sse")).isTrue();
		assertThat(this.path.matches("/app/x/../sse")).isTrue();
		assertThat(this.path.matches("/app/./sse")).isTrue();
		assertThat(this.path.matches("/app/s%73e")).isTrue();
	}

	@Test
	void doesNotMatchOtherPaths() {
		assertThat(this.path.matches(null)).isFalse();
		assertThat(this.path.matches("")).isFalse();
		assertThat(this.path.matches("/app/sse/")).isFalse();
		assertThat(this.path.matches("/app/sse/..")).isFalse();
		assertThat(this.path.matches("/app/sse/x")).isFalse();
		assertThat(this.path.matches("/sse")).isFalse();
		assertThat(this.path.matches("/app/sse%2F")).isFalse();
		assertThat(this.path.matches("/app/sse%ZZ")).isFalse();
	}

}
