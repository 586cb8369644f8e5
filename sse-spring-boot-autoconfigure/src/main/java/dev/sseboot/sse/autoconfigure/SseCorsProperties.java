package dev.sseboot.sse.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Cross-origin access to the stream endpoint, for pages served from other origins.
 */
@ConfigurationProperties("sse.cors")
public class SseCorsProperties {

	/**
	 * Origins allowed to open streams, such as 'https://app.example.com', or '*'
	 * without credentials. None when empty.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Whether cross-origin streams may send cookies (EventSource withCredentials).
	 */
	private boolean allowCredentials;

	/**
	 * How long browsers may cache the answer to a preflight request.
	 */
	private Duration maxAge = Duration.ofMinutes(30);

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public boolean isAllowCredentials() {
		return this.allowCredentials;
	}

	public void setAllowCredentials(boolean allowCredentials) {
		this.allowCredentials = allowCredentials;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

}
