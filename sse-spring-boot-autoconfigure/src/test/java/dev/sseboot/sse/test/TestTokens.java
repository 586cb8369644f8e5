package dev.sseboot.sse.test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
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
		return new SseTestTokens(secret).withClaims(claims, validFor);
	}

	/**
	 * Claims for a user with channel grants, valid for an hour, to add to.
	 */
	public static JWTClaimsSet.Builder claims(String userId, String... channels) {
		return new JWTClaimsSet.Builder().subject(userId)
			.claim("channels", List.of(channels))
			.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
	}

	/**
	 * A token signed by any signer, with any header.
	 */
	public static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/**
	 * A token signed with {@link #SECRET} and HS256.
	 */
	public static String hs256(JWTClaimsSet claims) {
		try {
			return sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), new JWSHeader(JWSAlgorithm.HS256),
					claims);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An unsigned token: {@code alg: none}.
	 */
	public static String unsigned(JWTClaimsSet claims) {
		return new PlainJWT(claims).serialize();
	}

	/**
	 * A signed token encrypted with a shared key ({@code dir}, {@code A256GCM},
	 * {@code cty: JWT}).
	 */
	public static String encrypt(String signedJwt, byte[] key) {
		return encrypt(signedJwt, key, null);
	}

	/**
	 * A signed token encrypted with a shared key, with a {@code kid} in the JWE header.
	 */
	public static String encrypt(String signedJwt, byte[] key, String keyId) {
		JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).contentType("JWT")
			.keyID(keyId)
			.build(), new Payload(signedJwt));
		try {
			jwe.encrypt(new DirectEncrypter(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwe.serialize();
	}

	/**
	 * A signer of EdDSA tokens through the JDK, since nimbus's own needs Google Tink.
	 */
	public static JWSSigner ed25519Signer(PrivateKey key) {
		return new JWSSigner() {

			@Override
			public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
				try {
					Signature signature = Signature.getInstance("Ed25519");
					signature.initSign(key);
					signature.update(signingInput);
					return Base64URL.encode(signature.sign());
				}
				catch (GeneralSecurityException ex) {
					throw new JOSEException(ex.getMessage(), ex);
				}
			}

			@Override
			public Set<JWSAlgorithm> supportedJWSAlgorithms() {
				return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
			}

			@Override
			public JCAContext getJCAContext() {
				return new JCAContext();
			}

		};
	}

}
