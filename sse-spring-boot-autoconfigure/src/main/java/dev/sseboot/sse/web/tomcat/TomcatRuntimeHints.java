package dev.sseboot.sse.web.tomcat;

import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Request;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The two Tomcat fields through which {@link SocketReset} finds a request's socket, for a
 * native image.
 */
public final class TomcatRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(Request.class, (type) -> type.withField("hook"))
			.registerType(AbstractProcessor.class, (type) -> type.withField("socketWrapper"));
	}

}
