package dev.sseboot.sse.control;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseRequestException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parameters of a control request, from a form-encoded or a JSON body: every value
 * is text, and a name may carry several values (a repeated form field, a JSON array).
 */
final class ControlParameters {

	/** The field whose JSON value, when not a string, is passed on as JSON text. */
	static final String DATA = "data";

	private final Map<String, List<String>> values;

	private ControlParameters(Map<String, List<String>> values) {
		this.values = values;
	}

	static ControlParameters empty() {
		return new ControlParameters(Map.of());
	}

	/**
	 * Parses an {@code application/x-www-form-urlencoded} body.
	 * @param body the body
	 * @param charset its character set
	 * @return the parameters
	 * @throws SseRequestException 400 for a malformed body
	 */
	static ControlParameters fromForm(byte[] body, Charset charset) {
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (String pair : new String(body, charset).split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode(pair.substring(0, (equals < 0) ? pair.length() : equals), charset);
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1), charset);
			values.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
		}
		return new ControlParameters(values);
	}

	/**
	 * Parses a JSON object body. Strings, numbers and booleans are taken as text, arrays
	 * as several values; {@value #DATA} keeps any other JSON value as JSON text, so that
	 * it reaches the stream as written.
	 * @param body the body
	 * @param jsonMapper the mapper
	 * @return the parameters
	 * @throws SseRequestException 400 for a malformed body
	 */
	static ControlParameters fromJson(byte[] body, JsonMapper jsonMapper) {
		JsonNode root;
		try {
			// A repeated key would otherwise silently win over the first one.
			root = jsonMapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(body);
		}
		catch (JacksonException ex) {
			throw badRequest("Malformed JSON body: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw badRequest("The JSON body must be an object");
		}
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> property : root.properties()) {
			String name = property.getKey();
			JsonNode value = property.getValue();
			if (value.isNull()) {
				continue;
			}
			List<String> texts = new ArrayList<>();
			if (name.equals(DATA) && !value.isString()) {
				texts.add(jsonMapper.writeValueAsString(value));
			}
			else if (value.isArray()) {
				for (JsonNode element : value.values()) {
					texts.add(scalar(name, element));
				}
			}
			else {
				texts.add(scalar(name, value));
			}
			values.put(name, texts);
		}
		return new ControlParameters(values);
	}

	/**
	 * Refuses parameters that an endpoint does not know, so that a misspelt name (say
	 * {@code chanel}) fails instead of widening who receives an event.
	 * @param known the names the endpoint reads
	 * @throws SseRequestException 400 naming the first unknown parameter
	 */
	void requireOnly(Set<String> known) {
		for (String name : this.values.keySet()) {
			if (!known.contains(name)) {
				throw badRequest("Unknown parameter '" + name + "': expected " + String.join(", ", known));
			}
		}
	}

	/**
	 * Returns the value of a parameter that may be given once.
	 * @param name the parameter
	 * @return the value, or {@code null} when absent
	 * @throws SseRequestException 400 when it is given more than once
	 */
	@Nullable String single(String name) {
		List<String> values = this.values.get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw badRequest("Parameter '" + name + "' must be given once");
		}
		return values.get(0);
	}

	/**
	 * Returns every value of a repeatable parameter.
	 * @param name the parameter
	 * @return the values, empty when absent
	 */
	List<String> all(String name) {
		return this.values.getOrDefault(name, List.of());
	}

	/**
	 * Returns whether a parameter is present, even with an empty value.
	 * @param name the parameter
	 * @return whether it is present
	 */
	boolean has(String name) {
		return this.values.containsKey(name);
	}

	static SseRequestException badRequest(String message) {
		return new SseRequestException(SseErrorCode.BAD_REQUEST, message);
	}

	private static String scalar(String name, JsonNode value) {
		if (!value.isValueNode() || value.isNull()) {
			throw badRequest("Parameter '" + name + "' must be a string, a number or an array of them");
		}
		return value.asString();
	}

	private static String decode(String encoded, Charset charset) {
		try {
			return URLDecoder.decode(encoded, charset);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest("Malformed form body: " + ex.getMessage());
		}
	}

}
