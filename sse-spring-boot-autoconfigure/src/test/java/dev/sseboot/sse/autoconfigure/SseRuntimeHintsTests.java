package dev.sseboot.sse.autoconfigure;

import java.io.IOException;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterLog;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

class SseRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	SseRuntimeHintsTests() {
		new SseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void registersEveryLuaScriptOfTheRedisLogAndPresence() throws IOException {
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:dev/sseboot/sse/cluster/redis/*.lua");
		assertThat(scripts).hasSizeGreaterThanOrEqualTo(5);
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource()
				.forResource("dev/sseboot/sse/cluster/redis/" + script.getFilename())).accepts(this.hints);
		}
	}

	@Test
	void registersTheTypesWrittenAsJsonForBinding() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ClusterLog.Status.class, "available"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SseConnection.class, "connectionId"))
			.accepts(this.hints);
	}

}
