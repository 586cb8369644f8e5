package dev.sseboot.sse.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.StringUtils;

/**
 * The default {@link TokenValidator}: a JWT whose user is {@code sub} (else
 * {@code userId}) and whose channels are {@code channels} (an array) or {@code channel}
 * (one name, as the seed tokens {@code {"userId":"alex","channel":"chat","exp":…}} have).
 */
public final class JwtTokenValidator implements TokenValidator {

	/** Shortest HMAC secret accepted: the key size of HS256. */
	public static final int MIN_SECRET_BYTES = 32;

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
		byte[] key = checkedSecret(secret);
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
				Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512), new ImmutableSecret<>(key)));
		// Timestamps are checked by Spring's validator below, with the configured skew.
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
		timestamps.setAllowEmptyExpiryClaim(!requireExpiry);
		decoder.setJwtValidator(timestamps);
		return new JwtTokenValidator(decoder);
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
			throw new IllegalStateException("sse.security.jwt.secret must be at least " + MIN_SECRET_BYTES
					+ " bytes (256 bits) for HMAC-SHA256 but has " + key.length
					+ ": use a long random value, e.g. the output of 'openssl rand -base64 48'");
		}
		return key;
	}

	@Override
	public Optional<SsePrincipal> validate(String token) {
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

}
