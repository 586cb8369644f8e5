package dev.sseboot.sse.web.tomcat;

import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Request;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

class TomcatRuntimeHintsTests {

	@Test
	void registersTheFieldsThroughWhichADroppedStreamsConnectionIsReset() {
		RuntimeHints hints = new RuntimeHints();
		new TomcatRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(Request.class, "hook")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(AbstractProcessor.class, "socketWrapper"))
			.accepts(hints);
	}

}
