package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterLog;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the starter reads that an AOT-processed application or a native image must be told
 * of: the Lua scripts of the Redis log and presence (resources), the types the health
 * indicator writes as JSON (its cluster detail) and the broker's presence answers. The
 * actuator endpoint's records are registered by Boot from its operations; the browser
 * client's files are under {@code META-INF/resources}, which Boot registers for static
 * resources; the Tomcat adapter registers its own.
 */
final class SseRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("dev/sseboot/sse/cluster/redis/*.lua");
		this.bindings.registerReflectionHints(hints.reflection(), ClusterLog.Status.class, SseConnection.class);
	}

}
