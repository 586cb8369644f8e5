package dev.sseboot.sse.security;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public key of {@code sse.security.jwt.public-key-location}: a PEM
 * {@code PUBLIC KEY} (RSA, EC or Ed25519) or a PEM {@code CERTIFICATE}.
 */
public final class PublicKeyPem {

	private static final Pattern PEM = Pattern
		.compile("-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

	private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

	private PublicKeyPem() {
	}

	/**
	 * Parses the first public key or certificate of a PEM document.
	 * @param pem the PEM text
	 * @return the public key
	 * @throws IllegalStateException if the text holds no supported key
	 */
	public static PublicKey parse(String pem) {
		Matcher matcher = PEM.matcher(pem);
		if (!matcher.find()) {
			throw new IllegalStateException(
					"No '-----BEGIN PUBLIC KEY-----' or '-----BEGIN CERTIFICATE-----' block found");
		}
		byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
		return "CERTIFICATE".equals(matcher.group(1)) ? fromCertificate(der) : fromKey(der);
	}

	private static PublicKey fromCertificate(byte[] der) {
		try {
			return CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(der))
				.getPublicKey();
		}
		catch (CertificateException ex) {
			throw new IllegalStateException("The PEM certificate cannot be read", ex);
		}
	}

	private static PublicKey fromKey(byte[] der) {
		X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
		for (String algorithm : KEY_ALGORITHMS) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(spec);
			}
			catch (GeneralSecurityException ex) {
				// not a key of this algorithm: try the next
			}
		}
		throw new IllegalStateException("The PEM public key is not an RSA, EC or Ed25519 key");
	}

}
