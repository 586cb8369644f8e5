package dev.sseboot.sse.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * Tokens the starter's default JWT validator accepts, signed (HS256) with the
 * application's {@code sse.security.jwt.secret}, for tests.
 * <pre class="code">
 * SseTestTokens tokens = new SseTestTokens("test-secret-of-at-least-32-bytes-0123456789");
 * String token = tokens.forUser("alice", "orders");
 * </pre>
 */
public final class SseTestTokens {

	private final byte[] secret;

	/**
	 * Creates tokens signed with a secret.
	 * @param secret the application's {@code sse.security.jwt.secret}, at least 32 bytes
	 */
	public SseTestTokens(String secret) {
		this.secret = secret.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Returns a token for a user with channel grants, valid for an hour.
	 * @param userId the user, the token's {@code sub}
	 * @param channels channel grants: names, {@code prefix:*} patterns or {@code *}
	 * @return the token
	 */
	public String forUser(String userId, String... channels) {
		return expiringIn(Duration.ofHours(1), userId, channels);
	}

	/**
	 * Returns a token for a user with channel grants that expires after a while, for
	 * tests of expiry warnings and renewal.
	 * @param validFor how long it is valid
	 * @param userId the user
	 * @param channels channel grants
	 * @return the token
	 */
	public String expiringIn(Duration validFor, String userId, String... channels) {
		return withClaims(Map.of("sub", userId, "channels", List.of(channels)), validFor);
	}

	/**
	 * Returns a token with the given claims and an expiry.
	 * @param claims the claims, such as {@code sub}, {@code channels} or {@code jti}
	 * @param validFor how long it is valid, or {@code null} for a token without
	 * {@code exp} (which the default validator refuses unless
	 * {@code sse.security.jwt.require-expiry=false})
	 * @return the token
	 */
	public String withClaims(Map<String, ?> claims, @Nullable Duration validFor) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
		claims.forEach(builder::claim);
		if (validFor != null) {
			builder.expirationTime(Date.from(Instant.now().plus(validFor)));
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), builder.build());
		try {
			jwt.sign(new MACSigner(this.secret));
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Cannot sign with this secret (at least 32 bytes are needed)", ex);
		}
		return jwt.serialize();
	}

}
