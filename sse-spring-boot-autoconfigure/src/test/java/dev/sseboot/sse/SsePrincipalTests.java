package dev.sseboot.sse;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SsePrincipalTests {

	@Test
	void exactGrantPermitsOnlyThatChannel() {
		SsePrincipal principal = SsePrincipal.of("alex", Set.of("chat"));
		assertThat(principal.permits("chat")).isTrue();
		assertThat(principal.permits("chat2")).isFalse();
		assertThat(principal.permits("cha")).isFalse();
		assertThat(principal.permits("news")).isFalse();
	}

	@Test
	void prefixGrantPermitsChannelsUnderThePrefixOnly() {
		SsePrincipal principal = SsePrincipal.of("alex", Set.of("project:*"));
		assertThat(principal.permits("project:42")).isTrue();
		assertThat(principal.permits("project:42:drones")).isTrue();
		assertThat(principal.permits("project")).isFalse();
		assertThat(principal.permits("projects:42")).isFalse();
		assertThat(principal.permits("other:42")).isFalse();
	}

	@Test
	void wildcardGrantPermitsEveryChannel() {
		SsePrincipal principal = SsePrincipal.of("alex", Set.of("*"));
		assertThat(principal.permits("chat")).isTrue();
		assertThat(principal.permits("project:42")).isTrue();
	}

	@Test
	void noGrantPermitsNothing() {
		SsePrincipal principal = SsePrincipal.of("alex", Set.of());
		assertThat(principal.permits("chat")).isFalse();
		assertThat(principal.concreteChannels()).isEmpty();
	}

	@Test
	void concreteChannelsAreTheExactGrantsOnly() {
		SsePrincipal principal = SsePrincipal.of("alex", Set.of("chat", "news", "project:*", "*"));
		assertThat(principal.concreteChannels()).containsExactlyInAnyOrder("chat", "news");
	}

	@Test
	void isImmutable() {
		java.util.HashSet<String> channels = new java.util.HashSet<>(Set.of("chat"));
		SsePrincipal principal = new SsePrincipal("alex", channels, null, null, Map.of());
		channels.add("admin");
		assertThat(principal.permits("admin")).isFalse();
	}

	@Test
	void refusesBlankUser() {
		assertThatIllegalArgumentException().isThrownBy(() -> SsePrincipal.of(" ", Set.of("chat")));
	}

}
