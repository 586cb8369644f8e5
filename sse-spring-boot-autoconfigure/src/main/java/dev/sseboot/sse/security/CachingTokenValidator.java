package dev.sseboot.sse.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;

/**
 * Remembers the principals of valid tokens for a while, for validators that are
 * expensive to call (a database or an introspection endpoint). Only positive results
 * are kept, keyed by a SHA-256 hash of the token so the cache never holds a token, and
 * never past the principal's expiry. Revocation is checked on every request regardless.
 */
public final class CachingTokenValidator implements TokenValidator {

	private final TokenValidator delegate;

	private final Cache<String, SsePrincipal> principals;

	private final Clock clock;

	/**
	 * Creates a caching validator.
	 * @param delegate the validator whose results are cached
	 * @param ttl how long a result is kept at most
	 * @param maxSize how many results are kept at most
	 * @param clock the clock the principals' expiry is compared with
	 */
	public CachingTokenValidator(TokenValidator delegate, Duration ttl, long maxSize, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.principals = Caffeine.newBuilder()
			.maximumSize(maxSize)
			.expireAfter(Expiry.<String, SsePrincipal>writing((key, principal) -> timeToLive(principal, ttl)))
			.build();
	}

	@Override
	public Optional<SsePrincipal> validate(String token) throws Exception {
		String key = hash(token);
		SsePrincipal cached = this.principals.getIfPresent(key);
		if (cached != null && isUnexpired(cached)) {
			return Optional.of(cached);
		}
		Optional<SsePrincipal> principal = this.delegate.validate(token);
		principal.filter(this::isUnexpired).ifPresent((valid) -> this.principals.put(key, valid));
		return principal;
	}

	/**
	 * Returns the number of cached principals.
	 * @return an estimate of the cache size
	 */
	public long size() {
		this.principals.cleanUp();
		return this.principals.estimatedSize();
	}

	private Duration timeToLive(SsePrincipal principal, Duration ttl) {
		Instant expiresAt = principal.expiresAt();
		if (expiresAt == null) {
			return ttl;
		}
		Duration untilExpiry = Duration.between(this.clock.instant(), expiresAt);
		return (untilExpiry.compareTo(ttl) < 0) ? (untilExpiry.isNegative() ? Duration.ZERO : untilExpiry) : ttl;
	}

	private boolean isUnexpired(SsePrincipal principal) {
		Instant expiresAt = principal.expiresAt();
		return expiresAt == null || this.clock.instant().isBefore(expiresAt);
	}

	private static String hash(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK provides SHA-256", ex);
		}
	}

}
