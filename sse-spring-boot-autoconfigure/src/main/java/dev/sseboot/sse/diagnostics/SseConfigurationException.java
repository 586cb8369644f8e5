package dev.sseboot.sse.diagnostics;

import org.jspecify.annotations.Nullable;

/**
 * A configuration of the starter that cannot work, with what to do about it. Spring Boot
 * prints both when the application fails to start; its message never holds a secret.
 */
public class SseConfigurationException extends IllegalStateException {

	private final String description;

	private final String action;

	/**
	 * Creates the exception.
	 * @param description what is wrong
	 * @param action what to do about it
	 */
	public SseConfigurationException(String description, String action) {
		this(description, action, null);
	}

	/**
	 * Creates the exception.
	 * @param description what is wrong
	 * @param action what to do about it
	 * @param cause what went wrong underneath, or {@code null}
	 */
	public SseConfigurationException(String description, String action, @Nullable Throwable cause) {
		super(description + ": " + action, cause);
		this.description = description;
		this.action = action;
	}

	/**
	 * Returns what is wrong.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Returns what to do about it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
