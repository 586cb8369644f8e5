package dev.sseboot.sse.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.util.Assert;

/**
 * Authentication of stream requests.
 */
@ConfigurationProperties("sse.security")
public class SseSecurityProperties {

	/**
	 * Query parameter that may carry the token, for browsers' EventSource.
	 */
	private String queryParameter = "token";

	/**
	 * Whether the token may be sent as a query parameter.
	 */
	private boolean queryParameterEnabled = true;

	/**
	 * Name of a cookie that may carry the token, for EventSource with
	 * withCredentials.
	 */
	private @Nullable String cookieName;

	/**
	 * Order of the SSE security filter chain among the application's chains.
	 */
	private int filterChainOrder = Ordered.HIGHEST_PRECEDENCE;

	/**
	 * How long before its token expires a stream gets 'sse-token-expiring'.
	 */
	private Duration expiryWarning = Duration.ofSeconds(30);

	/**
	 * Maximum number of unexpired token revocations kept in the deny-list.
	 */
	private int maxRevokedTokens = 100_000;

	private final Jwt jwt = new Jwt();

	private final Cache cache = new Cache();

	private final FailedAttempts failedAttempts = new FailedAttempts();

	public String getQueryParameter() {
		return this.queryParameter;
	}

	public void setQueryParameter(String queryParameter) {
		this.queryParameter = queryParameter;
	}

	public boolean isQueryParameterEnabled() {
		return this.queryParameterEnabled;
	}

	public void setQueryParameterEnabled(boolean queryParameterEnabled) {
		this.queryParameterEnabled = queryParameterEnabled;
	}

	public @Nullable String getCookieName() {
		return this.cookieName;
	}

	public void setCookieName(@Nullable String cookieName) {
		this.cookieName = cookieName;
	}

	public int getFilterChainOrder() {
		return this.filterChainOrder;
	}

	public void setFilterChainOrder(int filterChainOrder) {
		this.filterChainOrder = filterChainOrder;
	}

	public Duration getExpiryWarning() {
		return this.expiryWarning;
	}

	public void setExpiryWarning(Duration expiryWarning) {
		this.expiryWarning = expiryWarning;
	}

	public int getMaxRevokedTokens() {
		return this.maxRevokedTokens;
	}

	public void setMaxRevokedTokens(int maxRevokedTokens) {
		Assert.isTrue(maxRevokedTokens > 0, "sse.security.max-revoked-tokens must be positive");
		this.maxRevokedTokens = maxRevokedTokens;
	}

	public Jwt getJwt() {
		return this.jwt;
	}

	public Cache getCache() {
		return this.cache;
	}

	public FailedAttempts getFailedAttempts() {
		return this.failedAttempts;
	}

	/**
	 * The default JWT token validator.
	 */
	public static class Jwt {

		/**
		 * Shared secret of HS256, HS384 and HS512 tokens, at least 32 bytes.
		 */
		private @Nullable String secret;

		/**
		 * Location of the PEM public key (or certificate) that verifies RS, PS, ES or
		 * EdDSA tokens.
		 */
		private @Nullable Resource publicKeyLocation;

		/**
		 * URI of the JWK Set whose RSA or EC keys verify tokens.
		 */
		private @Nullable String jwkSetUri;

		/**
		 * Key id that tokens must name in their 'kid' header. When not set, tokens are
		 * verified with the secret or public key whatever their 'kid', and a JWK Set's key
		 * is chosen by it.
		 */
		private @Nullable String keyId;

		/**
		 * Required value of the 'iss' claim.
		 */
		private @Nullable String issuer;

		/**
		 * Value the 'aud' claim must contain.
		 */
		private @Nullable String audience;

		/**
		 * Required 'typ' header, such as 'sse+jwt'. When not set, 'JWT' or no type is
		 * accepted.
		 */
		private @Nullable String type;

		/**
		 * Base64-encoded 256-bit key of encrypted tokens (JWE 'dir' with 'A256GCM' around
		 * a signed JWT). When set, unencrypted tokens are refused.
		 */
		private @Nullable String encryptionSecret;

		/**
		 * Tolerance on the 'exp' and 'nbf' claims.
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Whether tokens without an 'exp' claim are refused.
		 */
		private boolean requireExpiry = true;

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKeyLocation() {
			return this.publicKeyLocation;
		}

		public void setPublicKeyLocation(@Nullable Resource publicKeyLocation) {
			this.publicKeyLocation = publicKeyLocation;
		}

		public @Nullable String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(@Nullable String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public @Nullable String getKeyId() {
			return this.keyId;
		}

		public void setKeyId(@Nullable String keyId) {
			this.keyId = keyId;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getEncryptionSecret() {
			return this.encryptionSecret;
		}

		public void setEncryptionSecret(@Nullable String encryptionSecret) {
			this.encryptionSecret = encryptionSecret;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			Assert.isTrue(!clockSkew.isNegative(), "sse.security.jwt.clock-skew must not be negative");
			this.clockSkew = clockSkew;
		}

		public boolean isRequireExpiry() {
			return this.requireExpiry;
		}

		public void setRequireExpiry(boolean requireExpiry) {
			this.requireExpiry = requireExpiry;
		}

	}


	/**
	 * Cache of valid tokens, for token validators that are expensive to call.
	 */
	public static class Cache {

		/**
		 * Whether the principals of valid tokens are cached. Needs Caffeine on the
		 * classpath.
		 */
		private boolean enabled;

		/**
		 * How long a principal is cached at most; never past its token's expiry.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Maximum number of cached principals.
		 */
		private long maxSize = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "sse.security.cache.ttl must be positive");
			this.ttl = ttl;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			Assert.isTrue(maxSize > 0, "sse.security.cache.max-size must be positive");
			this.maxSize = maxSize;
		}

	}


	/**
	 * Limit on failed token validations per client address.
	 */
	public static class FailedAttempts {

		/**
		 * Whether clients with too many failed token validations are refused with 429.
		 */
		private boolean enabled = true;

		/**
		 * Number of failed validations a client address may have in one window.
		 */
		private int max = 20;

		/**
		 * Length of the window in which failed validations are counted.
		 */
		private Duration window = Duration.ofMinutes(1);

		/**
		 * Maximum number of client addresses tracked at once.
		 */
		private int maxClients = 100_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			Assert.isTrue(max > 0, "sse.security.failed-attempts.max must be positive");
			this.max = max;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			Assert.isTrue(!window.isNegative() && !window.isZero(), "sse.security.failed-attempts.window must be positive");
			this.window = window;
		}

		public int getMaxClients() {
			return this.maxClients;
		}

		public void setMaxClients(int maxClients) {
			Assert.isTrue(maxClients > 0, "sse.security.failed-attempts.max-clients must be positive");
			this.maxClients = maxClients;
		}

	}

}
