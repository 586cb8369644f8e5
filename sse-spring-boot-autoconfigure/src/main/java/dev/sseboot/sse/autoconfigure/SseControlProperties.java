package dev.sseboot.sse.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * The control API: a second listener that mints tokens and emits events for
 * publishers outside the application.
 */
@ConfigurationProperties("sse.control")
public class SseControlProperties {

	/**
	 * Whether the control API listens on its own address and port.
	 */
	private boolean enabled;

	/**
	 * Address the control API listens on, a loopback one unless an API key is set.
	 */
	private InetAddress address = InetAddress.getLoopbackAddress();

	/**
	 * Port the control API listens on, 0 for a free port.
	 */
	private int port = 8001;

	/**
	 * Key that control requests must send as 'Authorization: Bearer <key>'.
	 */
	private @Nullable String apiKey;

	/**
	 * Longest validity of a token minted by POST /token; a longer 'exp' is capped.
	 */
	private Duration maxTokenTtl = Duration.ofHours(24);

	/**
	 * Largest request body accepted; larger ones are refused with 413.
	 */
	private DataSize maxBodySize = DataSize.ofKilobytes(64);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public InetAddress getAddress() {
		return this.address;
	}

	public void setAddress(InetAddress address) {
		this.address = address;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		Assert.isTrue(port >= 0 && port <= 65535, "sse.control.port must be between 0 and 65535");
		this.port = port;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public Duration getMaxTokenTtl() {
		return this.maxTokenTtl;
	}

	public void setMaxTokenTtl(Duration maxTokenTtl) {
		Assert.isTrue(!maxTokenTtl.isNegative() && !maxTokenTtl.isZero(), "sse.control.max-token-ttl must be positive");
		this.maxTokenTtl = maxTokenTtl;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		Assert.isTrue(maxBodySize.toBytes() > 0 && maxBodySize.toBytes() < Integer.MAX_VALUE,
				"sse.control.max-body-size must be positive and less than 2GB");
		this.maxBodySize = maxBodySize;
	}

}
