package dev.sseboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 JWTs ({@code sub}, {@code exp}) for the load generator's connections.
 */
final class Tokens {

	private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

	private static final String HEADER = URL
		.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

	private final Mac mac;

	Tokens(String secret) {
		try {
			this.mac = Mac.getInstance("HmacSHA256");
			this.mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	String mint(String user, long ttlSeconds) {
		long exp = System.currentTimeMillis() / 1000 + ttlSeconds;
		String payload = URL.encodeToString(
				("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
		String signingInput = HEADER + "." + payload;
		byte[] signature = this.mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
		return signingInput + "." + URL.encodeToString(signature);
	}

}
