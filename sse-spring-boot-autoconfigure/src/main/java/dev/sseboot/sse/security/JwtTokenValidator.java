package dev.sseboot.sse.security;

import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.diagnostics.SseConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The default {@link TokenValidator}: a JWT whose user is {@code sub} (else
 * {@code userId}) and whose channels are {@code channels} (an array) or {@code channel}
 * (one name, as the seed tokens {@code {"userId":"alex","channel":"chat","exp":…}} have).
 * <p>
 * Tokens are verified with exactly one key source: a shared secret (HS256/384/512), a
 * public key (RS, PS, ES or EdDSA, depending on the key) or a JWK Set URI (RS, PS, ES).
 * Only the algorithms of that key source are accepted, so {@code alg: none} and
 * algorithm confusion (an HMAC token "signed" with a public key) are refused. A token must
 * be in canonical compact serialization: a character outside unpadded base64url anywhere
 * refuses it. A secret or public key verifies tokens whatever their {@code kid} header,
 * unless a key id is configured; a JWK Set's key is selected by {@code kid}.
 */
public final class JwtTokenValidator implements TokenValidator {

	/** Shortest HMAC secret accepted: the key size of HS256. */
	public static final int MIN_SECRET_BYTES = 32;

	/** Shortest RSA key accepted. */
	static final int MIN_RSA_KEY_BITS = 2048;

	/** Length of the {@code dir} + {@code A256GCM} content encryption key. */
	static final int ENCRYPTION_KEY_BYTES = 32;

	/** The HMAC algorithms, each with the shortest secret it may be used with. */
	private static final Map<JWSAlgorithm, Integer> HMAC_KEY_BYTES = Map.of(JWSAlgorithm.HS256, 32,
			JWSAlgorithm.HS384, 48, JWSAlgorithm.HS512, 64);

	private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
			JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	private static final Set<JWSAlgorithm> EC_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
			JWSAlgorithm.ES512);

	private final JwtDecoder decoder;

	/**
	 * Creates a validator on a configured decoder.
	 * @param decoder the decoder, which checks signature, algorithm and timestamps
	 */
	public JwtTokenValidator(JwtDecoder decoder) {
		this.decoder = decoder;
	}

	/**
	 * Creates a validator for tokens signed with a shared secret (HS256, HS384 or HS512).
	 * @param secret the secret, at least 32 bytes
	 * @param clockSkew the tolerance on {@code exp} and {@code nbf}
	 * @param requireExpiry whether tokens without {@code exp} are refused
	 * @return the validator
	 * @throws IllegalStateException if the secret is too short
	 */
	public static JwtTokenValidator withSecret(String secret, Duration clockSkew, boolean requireExpiry) {
		return withSecret(secret).clockSkew(clockSkew).requireExpiry(requireExpiry).build();
	}

	/**
	 * Starts a validator for tokens signed with a shared secret: HS256, and HS384 or HS512
	 * when the secret is at least 48 or 64 bytes long.
	 * @param secret the secret, at least 32 bytes
	 * @return a builder
	 * @throws IllegalStateException if the secret is too short
	 */
	public static Builder withSecret(String secret) {
		byte[] key = checkedSecret(secret);
		// An algorithm the key is too short for is a bad token (403), not a verifier failure (500).
		Set<JWSAlgorithm> algorithms = HMAC_KEY_BYTES.entrySet()
			.stream()
			.filter((entry) -> key.length >= entry.getValue())
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
		// One key for HS256, HS384 and HS512: nimbus picks the MAC by the token's alg.
		return new Builder(singleKey(algorithms, new SecretKeySpec(key, "HMAC")));
	}

	/**
	 * Starts a validator for tokens signed with the private key of a public key: RS256 to
	 * RS512 and PS256 to PS512 for an RSA key, ES256, ES384 or ES512 for an EC key (by
	 * its curve), EdDSA for an Ed25519 key.
	 * @param key the public key
	 * @return a builder
	 * @throws IllegalStateException if the key is of an unsupported type or too weak
	 */
	public static Builder withPublicKey(PublicKey key) {
		return new Builder(singleKey(algorithmsOf(key), key));
	}

	/**
	 * Selects one key for the given algorithms, whatever the token's {@code kid}: nimbus's
	 * own selectors match a {@code kid} against the key's id, which a configured secret or
	 * PEM key does not have.
	 */
	private static JWSKeySelector<SecurityContext> singleKey(Set<JWSAlgorithm> algorithms, Key key) {
		List<Key> keys = List.of(key);
		// No matching key for any other algorithm: nimbus then rejects the token.
		return (header, context) -> algorithms.contains(header.getAlgorithm()) ? keys : List.of();
	}

	/**
	 * Starts a validator for tokens signed with one of the RSA or EC keys published at a
	 * JWK Set URI, fetched on first use and cached.
	 * @param jwkSetUri the JWK Set URI
	 * @return a builder
	 */
	public static Builder withJwkSetUri(String jwkSetUri) {
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(RSA_ALGORITHMS);
		algorithms.addAll(EC_ALGORITHMS);
		try {
			return new Builder(new JWSVerificationKeySelector<>(algorithms,
					JWKSourceBuilder.<SecurityContext>create(URI.create(jwkSetUri).toURL()).build()));
		}
		catch (MalformedURLException | IllegalArgumentException ex) {
			throw new SseConfigurationException("sse.security.jwt.jwk-set-uri is not a valid URL: " + jwkSetUri,
					"Set sse.security.jwt.jwk-set-uri to the https URL of the issuer's JWK set, e.g. "
							+ "https://issuer.example.com/.well-known/jwks.json.",
					ex);
		}
	}

	/**
	 * Checks that an HMAC secret is long enough.
	 * @param secret the secret
	 * @return its bytes
	 * @throws IllegalStateException if it is shorter than {@value #MIN_SECRET_BYTES} bytes
	 */
	static byte[] checkedSecret(String secret) {
		byte[] key = secret.getBytes(StandardCharsets.UTF_8);
		if (key.length < MIN_SECRET_BYTES) {
			throw new SseConfigurationException("sse.security.jwt.secret has " + key.length + " bytes: HMAC-SHA256 "
					+ "needs at least " + MIN_SECRET_BYTES + " bytes (256 bits)",
					"Set sse.security.jwt.secret to a long random value, e.g. the output of 'openssl rand -base64 48', "
							+ "the same that signs your tokens.");
		}
		return key;
	}

	/**
	 * Decodes the Base64 key of encrypted tokens.
	 * @param encryptionSecret the Base64-encoded key
	 * @return its {@value #ENCRYPTION_KEY_BYTES} bytes
	 * @throws IllegalStateException if it is not Base64 or not 256 bits long
	 */
	static byte[] checkedEncryptionKey(String encryptionSecret) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(encryptionSecret.strip());
		}
		catch (IllegalArgumentException ex) {
			key = new byte[0];
		}
		if (key.length != ENCRYPTION_KEY_BYTES) {
			throw new SseConfigurationException("sse.security.jwt.encryption-secret is not the Base64 encoding of "
					+ ENCRYPTION_KEY_BYTES + " bytes (an A256GCM key)",
					"Set sse.security.jwt.encryption-secret to e.g. the output of 'openssl rand -base64 32', the key "
							+ "that encrypts your tokens.");
		}
		return key;
	}

	private static Set<JWSAlgorithm> algorithmsOf(PublicKey key) {
		if (key instanceof RSAPublicKey rsa) {
			if (rsa.getModulus().bitLength() < MIN_RSA_KEY_BITS) {
				throw new SseConfigurationException("The RSA public key has " + rsa.getModulus().bitLength()
						+ " bits: at least " + MIN_RSA_KEY_BITS + " are required",
						"Point sse.security.jwt.public-key-location at the issuer's key of " + MIN_RSA_KEY_BITS
								+ " bits or more.");
			}
			return RSA_ALGORITHMS;
		}
		if (key instanceof ECPublicKey ec) {
			return switch (ec.getParams().getCurve().getField().getFieldSize()) {
				case 256 -> Set.of(JWSAlgorithm.ES256);
				case 384 -> Set.of(JWSAlgorithm.ES384);
				case 521 -> Set.of(JWSAlgorithm.ES512);
				default -> throw new SseConfigurationException("The EC public key is on an unsupported curve",
						"Use a key on P-256, P-384 or P-521.");
			};
		}
		if (key instanceof EdECPublicKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
			return EdDsaCapableVerifierFactory.ED25519_ALGORITHMS;
		}
		throw new SseConfigurationException("The public key is of an unsupported type, " + key.getAlgorithm(),
				"Use an RSA, EC (P-256, P-384, P-521) or Ed25519 key.");
	}

	@Override
	public Optional<SsePrincipal> validate(String token) {
		if (!CompactSerialization.isCanonical(token)) {
			throw new InvalidTokenException("Not a JWT in compact serialization: three or five segments of unpadded "
					+ "base64url");
		}
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtValidationException ex) {
			throw new InvalidTokenException(ex.getErrors()
				.stream()
				.map(OAuth2Error::getDescription)
				.collect(Collectors.joining("; ")));
		}
		catch (BadJwtException ex) {
			// Nimbus messages may quote parts of the token: keep them out of logs.
			throw new InvalidTokenException("Malformed, wrongly signed or unsupported JWT");
		}
		return Optional.of(toPrincipal(jwt));
	}

	private static SsePrincipal toPrincipal(Jwt jwt) {
		String userId = StringUtils.hasText(jwt.getSubject()) ? jwt.getSubject() : jwt.getClaimAsString("userId");
		if (!StringUtils.hasText(userId)) {
			throw new InvalidTokenException("JWT names no user: neither 'sub' nor 'userId' is set");
		}
		return new SsePrincipal(userId, channels(jwt.getClaims()), jwt.getExpiresAt(), jwt.getId(), jwt.getClaims());
	}

	private static Set<String> channels(Map<String, Object> claims) {
		Set<String> channels = new LinkedHashSet<>();
		addChannels(channels, claims.get("channels"));
		addChannels(channels, claims.get("channel"));
		return channels;
	}

	private static void addChannels(Set<String> channels, @Nullable Object claim) {
		if (claim instanceof String name && StringUtils.hasText(name)) {
			channels.add(name);
		}
		else if (claim instanceof Collection<?> names) {
			for (Object name : names) {
				addChannels(channels, name);
			}
		}
	}

	/**
	 * Builds a {@link JwtTokenValidator} on one key source.
	 */
	public static final class Builder {

		private final JWSKeySelector<SecurityContext> keySelector;

		private Duration clockSkew = Duration.ofSeconds(30);

		private boolean requireExpiry = true;

		private @Nullable String issuer;

		private @Nullable String audience;

		private @Nullable String type;

		private byte @Nullable [] encryptionKey;

		private @Nullable String keyId;

		private Builder(JWSKeySelector<SecurityContext> keySelector) {
			this.keySelector = keySelector;
		}

		/**
		 * Requires a {@code kid} header: tokens without it, or with another, are refused.
		 * @param keyId the key id, or {@code null} to accept any or none
		 * @return this builder
		 */
		public Builder keyId(@Nullable String keyId) {
			this.keyId = keyId;
			return this;
		}

		/**
		 * Sets the tolerance on {@code exp} and {@code nbf}.
		 * @param clockSkew the tolerance
		 * @return this builder
		 */
		public Builder clockSkew(Duration clockSkew) {
			Assert.isTrue(!clockSkew.isNegative(), "clockSkew must not be negative");
			this.clockSkew = clockSkew;
			return this;
		}

		/**
		 * Sets whether tokens without {@code exp} are refused.
		 * @param requireExpiry whether {@code exp} is required
		 * @return this builder
		 */
		public Builder requireExpiry(boolean requireExpiry) {
			this.requireExpiry = requireExpiry;
			return this;
		}

		/**
		 * Requires an {@code iss} claim.
		 * @param issuer the issuer, or {@code null} to accept any
		 * @return this builder
		 */
		public Builder issuer(@Nullable String issuer) {
			this.issuer = issuer;
			return this;
		}

		/**
		 * Requires an {@code aud} claim that contains an audience.
		 * @param audience the audience, or {@code null} to accept any
		 * @return this builder
		 */
		public Builder audience(@Nullable String audience) {
			this.audience = audience;
			return this;
		}

		/**
		 * Requires a {@code typ} header.
		 * @param type the type, e.g. {@code sse+jwt}, or {@code null} to accept
		 * {@code JWT} or none
		 * @return this builder
		 */
		public Builder type(@Nullable String type) {
			this.type = type;
			return this;
		}

		/**
		 * Requires tokens encrypted with a shared key ({@code dir}, {@code A256GCM})
		 * around a signed JWT.
		 * @param encryptionSecret the Base64-encoded 256-bit key, or {@code null} for
		 * signed tokens
		 * @return this builder
		 * @throws IllegalStateException if the key is not 256 bits of Base64
		 */
		public Builder encryptionSecret(@Nullable String encryptionSecret) {
			this.encryptionKey = (encryptionSecret != null) ? checkedEncryptionKey(encryptionSecret) : null;
			return this;
		}

		/**
		 * Builds the validator.
		 * @return the validator
		 */
		public JwtTokenValidator build() {
			TokenProcessor processor = new TokenProcessor(this.encryptionKey != null);
			processor.setJWSKeySelector(withKeyId(this.keySelector, this.keyId));
			processor.setJWSVerifierFactory(new EdDsaCapableVerifierFactory());
			if (this.type != null) {
				processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(this.type)));
			}
			if (this.encryptionKey != null) {
				// One key, whatever the token's kid, as for signatures.
				List<Key> keys = List.of(new SecretKeySpec(this.encryptionKey, "AES"));
				processor.setJWEKeySelector((header, context) -> (JWEAlgorithm.DIR.equals(header.getAlgorithm())
						&& EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())) ? keys : List.of());
			}
			// Claims are checked by Spring's validators below, with the configured skew.
			processor.setJWTClaimsSetVerifier((claims, context) -> {
			});
			NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
			List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
			JwtTimestampValidator timestamps = new JwtTimestampValidator(this.clockSkew);
			timestamps.setAllowEmptyExpiryClaim(!this.requireExpiry);
			validators.add(timestamps);
			if (this.issuer != null) {
				validators.add(new JwtIssuerValidator(this.issuer));
			}
			if (this.audience != null) {
				validators.add(new JwtAudienceValidator(this.audience));
			}
			decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
			return new JwtTokenValidator(decoder);
		}

	}

	private static JWSKeySelector<SecurityContext> withKeyId(JWSKeySelector<SecurityContext> selector,
			@Nullable String keyId) {
		if (keyId == null) {
			return selector;
		}
		return (header, context) -> keyId.equals(header.getKeyID()) ? selector.selectJWSKeys(header, context)
				: List.of();
	}

	/**
	 * Nimbus's processor with two rules of its own: with an encryption key, only
	 * encrypted tokens are accepted, and an encrypted token must wrap a signed JWT
	 * (nimbus would otherwise accept unsigned claims inside the encryption).
	 */
	private static final class TokenProcessor extends DefaultJWTProcessor<SecurityContext> {

		private final boolean encryptionRequired;

		TokenProcessor(boolean encryptionRequired) {
			this.encryptionRequired = encryptionRequired;
		}

		@Override
		public JWTClaimsSet process(JWT jwt, @Nullable SecurityContext context) throws BadJOSEException, JOSEException {
			if (this.encryptionRequired && !(jwt instanceof EncryptedJWT)) {
				throw new BadJOSEException("JWT rejected: it must be encrypted");
			}
			return super.process(jwt, context);
		}

		@Override
		public JWTClaimsSet process(EncryptedJWT jwt, @Nullable SecurityContext context)
				throws BadJOSEException, JOSEException {
			if (jwt.getHeader().getContentType() == null
					|| !"JWT".equalsIgnoreCase(jwt.getHeader().getContentType())) {
				throw new BadJOSEException("Encrypted JWT rejected: it must contain a signed JWT (cty JWT)");
			}
			return super.process(jwt, context);
		}

	}

}
