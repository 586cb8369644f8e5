package dev.sseboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints JWTs ({@code sub}, {@code exp}) for the load generator's connections: HS256 with a
 * shared secret, or RS256 with {@code rsa:<PKCS#8 PEM private key file>}.
 */
final class Tokens {

	private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

	private final String header;

	private final Mac mac;

	private final Signature rsa;

	Tokens(String key) {
		try {
			if (key.startsWith("rsa:")) {
				String pem = Files.readString(Path.of(key.substring(4)));
				byte[] der = Base64.getMimeDecoder()
					.decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
				PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
				this.rsa = Signature.getInstance("SHA256withRSA");
				this.rsa.initSign(privateKey);
				this.mac = null;
				this.header = URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
			}
			else {
				this.mac = Mac.getInstance("HmacSHA256");
				this.mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
				this.rsa = null;
				this.header = URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	String mint(String user, long ttlSeconds) {
		long exp = System.currentTimeMillis() / 1000 + ttlSeconds;
		String payload = URL.encodeToString(
				("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
		String signingInput = this.header + "." + payload;
		byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
		byte[] signature;
		if (this.mac != null) {
			signature = this.mac.doFinal(input);
		}
		else {
			try {
				this.rsa.update(input);
				signature = this.rsa.sign();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		return signingInput + "." + URL.encodeToString(signature);
	}

}
