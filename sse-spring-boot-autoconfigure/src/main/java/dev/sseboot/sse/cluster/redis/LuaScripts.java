package dev.sseboot.sse.cluster.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of the log and the presence, resources of this package. Each is read
 * once, into a script of text: one made from the resource itself would ask the resource
 * whether it changed on every call.
 */
final class LuaScripts {

	private LuaScripts() {
	}

	/**
	 * Reads a script.
	 * @param <T> the type of the script's result
	 * @param resultType the type of the script's result
	 * @param names the resources the script is made of, in order: helpers first
	 * @return the script
	 */
	static <T> RedisScript<T> load(Class<T> resultType, String... names) {
		StringBuilder text = new StringBuilder();
		for (String name : names) {
			ClassPathResource resource = new ClassPathResource(name, LuaScripts.class);
			try {
				text.append(resource.getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read the Lua script " + resource.getPath(), ex);
			}
		}
		return RedisScript.of(text.toString(), resultType);
	}

}
