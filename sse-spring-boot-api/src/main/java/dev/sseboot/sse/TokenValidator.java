package dev.sseboot.sse;

import java.util.Optional;

/**
 * Turns the token a client presents into the principal its stream runs under.
 * <p>
 * Declare a bean of this type to replace the default JWT validator, for example with a
 * database lookup. Return {@link Optional#empty()} or throw {@link InvalidTokenException}
 * for a bad, expired or revoked token (the client gets 403); throw any other exception
 * for an infrastructure failure such as a database outage (the client gets 500).
 */
@FunctionalInterface
public interface TokenValidator {

	/**
	 * Validates a token.
	 * @param token the token, without any {@code Bearer } prefix
	 * @return the principal, or empty if the token is not valid
	 * @throws InvalidTokenException if the token is not valid
	 * @throws Exception if the token could not be checked
	 */
	Optional<SsePrincipal> validate(String token) throws Exception;

}
