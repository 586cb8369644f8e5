package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * Mints HS256 stream tokens with the configured secret, for login endpoints and the
 * control API. The tokens carry {@code sub}, {@code channels}, {@code exp}, {@code iat}
 * and a random {@code jti}, and are encrypted when an encryption secret is configured,
 * as the validator then requires.
 */
public final class JwtTokenIssuer {

	private final MACSigner signer;

	private final @Nullable DirectEncrypter encrypter;

	private final @Nullable String issuer;

	private final @Nullable String audience;

	private final JOSEObjectType type;

	private final @Nullable String keyId;

	/**
	 * Creates an issuer of signed tokens.
	 * @param secret the shared secret, at least 32 bytes
	 */
	public JwtTokenIssuer(String secret) {
		this(secret, null);
	}

	/**
	 * Creates an issuer of signed, optionally encrypted, tokens.
	 * @param secret the shared secret, at least 32 bytes
	 * @param encryptionSecret the Base64-encoded 256-bit encryption key, or {@code null}
	 * for tokens that are signed only
	 */
	public JwtTokenIssuer(String secret, @Nullable String encryptionSecret) {
		this(secret, encryptionSecret, null, null, null);
	}

	/**
	 * Creates an issuer of tokens that the default validator accepts when it also checks
	 * {@code iss}, {@code aud} and {@code typ}.
	 * @param secret the shared secret, at least 32 bytes
	 * @param encryptionSecret the Base64-encoded 256-bit encryption key, or {@code null}
	 * @param issuer the {@code iss} claim, or {@code null} for none
	 * @param audience the {@code aud} claim, or {@code null} for none
	 * @param type the {@code typ} header, or {@code null} for {@code JWT}
	 */
	public JwtTokenIssuer(String secret, @Nullable String encryptionSecret, @Nullable String issuer,
			@Nullable String audience, @Nullable String type) {
		this(secret, encryptionSecret, issuer, audience, type, null);
	}

	/**
	 * Creates an issuer of tokens that the default validator accepts when it also checks
	 * {@code iss}, {@code aud}, {@code typ} and {@code kid}.
	 * @param secret the shared secret, at least 32 bytes
	 * @param encryptionSecret the Base64-encoded 256-bit encryption key, or {@code null}
	 * @param issuer the {@code iss} claim, or {@code null} for none
	 * @param audience the {@code aud} claim, or {@code null} for none
	 * @param type the {@code typ} header, or {@code null} for {@code JWT}
	 * @param keyId the {@code kid} header, or {@code null} for none
	 */
	public JwtTokenIssuer(String secret, @Nullable String encryptionSecret, @Nullable String issuer,
			@Nullable String audience, @Nullable String type, @Nullable String keyId) {
		this.keyId = keyId;
		this.issuer = issuer;
		this.audience = audience;
		this.type = (type != null) ? new JOSEObjectType(type) : JOSEObjectType.JWT;
		try {
			this.signer = new MACSigner(JwtTokenValidator.checkedSecret(secret));
			this.encrypter = (encryptionSecret != null)
					? new DirectEncrypter(JwtTokenValidator.checkedEncryptionKey(encryptionSecret)) : null;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign or encrypt with the configured secrets: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Mints a token.
	 * @param userId the user
	 * @param channels the channel grants
	 * @param ttl how long the token is valid
	 * @return the token and its expiry
	 */
	public IssuedToken issue(String userId, List<String> channels, Duration ttl) {
		Instant now = Instant.now();
		Instant expiresAt = now.plus(ttl);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(userId)
			.claim("channels", List.copyOf(channels))
			.issuer(this.issuer)
			.audience(this.audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(expiresAt))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).type(this.type).keyID(this.keyId).build(), claims);
		String token;
		try {
			jwt.sign(this.signer);
			token = (this.encrypter != null) ? encrypt(jwt.serialize(), this.encrypter) : jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign a token for user " + userId, ex);
		}
		// exp has whole seconds: report what the token says.
		return new IssuedToken(token, Instant.ofEpochSecond(expiresAt.getEpochSecond()));
	}

	private static String encrypt(String signedJwt, DirectEncrypter encrypter) throws JOSEException {
		JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
			.contentType("JWT")
			.build(), new Payload(signedJwt));
		jwe.encrypt(encrypter);
		return jwe.serialize();
	}

	/**
	 * A minted token.
	 * @param token the compact JWT
	 * @param expiresAt when it expires
	 */
	public record IssuedToken(String token, Instant expiresAt) {
	}

}
