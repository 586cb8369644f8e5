package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints HS256 stream tokens with the configured secret, for login endpoints and the
 * control API. The tokens carry {@code sub}, {@code channels}, {@code exp}, {@code iat}
 * and a random {@code jti}.
 */
public final class JwtTokenIssuer {

	private final MACSigner signer;

	/**
	 * Creates an issuer.
	 * @param secret the shared secret, at least 32 bytes
	 */
	public JwtTokenIssuer(String secret) {
		try {
			this.signer = new MACSigner(JwtTokenValidator.checkedSecret(secret));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign with sse.security.jwt.secret: " + ex.getMessage(), ex);
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
			.issueTime(Date.from(now))
			.expirationTime(Date.from(expiresAt))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
				claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign a token for user " + userId, ex);
		}
		// exp has whole seconds: report what the token says.
		return new IssuedToken(jwt.serialize(), Instant.ofEpochSecond(expiresAt.getEpochSecond()));
	}

	/**
	 * A minted token.
	 * @param token the compact JWT
	 * @param expiresAt when it expires
	 */
	public record IssuedToken(String token, Instant expiresAt) {
	}

}
