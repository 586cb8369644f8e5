package dev.sseboot.sse.broker;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes event data that is not a string, and the server's own events, as JSON with the
 * application's mapper.
 */
final class JsonEncoder {

	private final JsonMapper jsonMapper;

	JsonEncoder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes a value as JSON.
	 * @param value the value
	 * @return the JSON text
	 * @throws IllegalArgumentException if the value cannot be written
	 */
	String write(Object value) {
		try {
			return this.jsonMapper.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Could not write " + value.getClass().getName() + " as JSON", ex);
		}
	}

}
