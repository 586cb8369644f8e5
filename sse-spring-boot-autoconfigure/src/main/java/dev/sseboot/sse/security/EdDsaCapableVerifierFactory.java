package dev.sseboot.sse.security;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.util.LinkedHashSet;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;

/**
 * Nimbus's verifier factory, plus Ed25519 signatures verified by the JDK: nimbus's own
 * Ed25519 verifier needs Google Tink on the classpath, which the starter does not bring.
 */
final class EdDsaCapableVerifierFactory implements JWSVerifierFactory {

	/** The names an Ed25519 signature goes by: {@code EdDSA} and, per RFC 9864, {@code Ed25519}. */
	static final Set<JWSAlgorithm> ED25519_ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

	private final DefaultJWSVerifierFactory delegate = new DefaultJWSVerifierFactory();

	@Override
	public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
		if (key instanceof EdECPublicKey edKey && ED25519_ALGORITHMS.contains(header.getAlgorithm())) {
			return new Ed25519Verifier(edKey, this.delegate.getJCAContext());
		}
		return this.delegate.createJWSVerifier(header, key);
	}

	@Override
	public Set<JWSAlgorithm> supportedJWSAlgorithms() {
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(this.delegate.supportedJWSAlgorithms());
		algorithms.addAll(ED25519_ALGORITHMS);
		return algorithms;
	}

	@Override
	public JCAContext getJCAContext() {
		return this.delegate.getJCAContext();
	}

	private record Ed25519Verifier(EdECPublicKey key, JCAContext context) implements JWSVerifier {

		@Override
		public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
			// No critical header parameter is understood here, so any makes the token invalid.
			if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
				return false;
			}
			Signature verifier;
			try {
				verifier = Signature.getInstance("Ed25519");
				verifier.initVerify(this.key);
			}
			catch (GeneralSecurityException ex) {
				throw new JOSEException("The JDK cannot verify Ed25519 signatures", ex);
			}
			try {
				verifier.update(signingInput);
				return verifier.verify(signature.decode());
			}
			catch (SignatureException ex) {
				// A malformed signature is the client's fault: the token is invalid (403), not
				// a server failure (500).
				return false;
			}
		}

		@Override
		public Set<JWSAlgorithm> supportedJWSAlgorithms() {
			return ED25519_ALGORITHMS;
		}

		@Override
		public JCAContext getJCAContext() {
			return this.context;
		}

	}

}
