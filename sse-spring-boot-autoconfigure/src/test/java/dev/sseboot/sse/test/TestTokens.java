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

/**
 * Tokens for tests, signed with {@link #SECRET} unless said otherwise.
 */
public final class TestTokens {

	/** The test secret: an obvious test value. */
	public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

	private TestTokens() {
	}

	/**
	 * A valid token for a user with channel grants, valid for an hour.
	 */
	public static String forUser(String userId, String... channels) {
		return sign(SECRET, Map.of("sub", userId, "channels", List.of(channels)), Duration.ofHours(1));
	}

	/**
	 * A token in the seed form {@code {"userId":…,"channel":…,"exp":…}}.
	 */
	public static String seedForm(String userId, String channel, Duration validFor) {
		return sign(SECRET, Map.of("userId", userId, "channel", channel), validFor);
	}

	/**
	 * A token for a user with channel grants that expires after the given time.
	 */
	public static String expiringIn(Duration validFor, String userId, String... channels) {
		return sign(SECRET, Map.of("sub", userId, "channels", List.of(channels)), validFor);
	}

	/**
	 * A token with the given claims and expiry ({@code null} for no {@code exp}).
	 */
	public static String sign(String secret, Map<String, Object> claims, Duration validFor) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
		claims.forEach(builder::claim);
		if (validFor != null) {
			builder.expirationTime(Date.from(Instant.now().plus(validFor)));
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), builder.build());
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
