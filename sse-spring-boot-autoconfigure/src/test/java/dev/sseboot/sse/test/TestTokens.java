package dev.sseboot.sse.test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
	 * A token signed with a given HMAC algorithm ({@code HS256}, {@code HS384},
	 * {@code HS512}) by plain JCA, whatever the key length, as any JWT library of a client
	 * might produce it.
	 */
	public static String signHmac(String algorithm, String secret, String claimsJson) {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String header = base64.encodeToString(("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
		String payload = base64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
		String jca = "Hmac" + algorithm.replace("HS", "SHA");
		try {
			Mac mac = Mac.getInstance(jca);
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), jca));
			byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
			return header + "." + payload + "." + base64.encodeToString(signature);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
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
