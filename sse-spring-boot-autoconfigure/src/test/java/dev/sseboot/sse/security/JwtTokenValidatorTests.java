package dev.sseboot.sse.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class JwtTokenValidatorTests {

	private static final KeyPair RSA = generate("RSA", 2048);

	private static final KeyPair EC = generateEc();

	private static final KeyPair ED25519 = generate("Ed25519", 0);

	private final JwtTokenValidator hmac = JwtTokenValidator.withSecret(TestTokens.SECRET).build();

	@Test
	void acceptsSeedTokenWithUserIdAndOneChannel() {
		long exp = Instant.now().plusSeconds(60).getEpochSecond();
		String token = TestTokens.withClaims(Map.of("userId", "alex", "channel", "chat", "exp", exp),
				null);
		SsePrincipal principal = this.hmac.validate(token).orElseThrow();
		assertThat(principal.userId()).isEqualTo("alex");
		assertThat(principal.channels()).containsExactly("chat");
		assertThat(principal.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp));
	}

	@Test
	void acceptsHs512TokenWithTheSecret() throws Exception {
		String token = TestTokens.sign(new MACSigner(TestTokens.SECRET + TestTokens.SECRET),
				new JWSHeader(JWSAlgorithm.HS512), TestTokens.claims("alex", "chat").build());
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET + TestTokens.SECRET).build();
		assertThat(validator.validate(token)).isPresent();
	}

	@Test
	void refusesUnsignedToken() {
		assertInvalid(this.hmac, TestTokens.unsigned(TestTokens.claims("alex", "chat").build()));
	}

	@Test
	void refusesTokenSignedWithAnotherSecret() {
		String token = TestTokens.sign("another-secret-another-secret-another-secret",
				Map.of("sub", "alex", "channels", List.of("chat")), Duration.ofMinutes(5));
		assertInvalid(this.hmac, token);
	}

	@Test
	void refusesTokenWithoutExpiryWhenExpiryIsRequired() {
		String token = TestTokens.withClaims(Map.of("sub", "alex"), null);
		assertInvalid(this.hmac, token);
		assertThat(JwtTokenValidator.withSecret(TestTokens.SECRET).requireExpiry(false).build().validate(token))
			.isPresent();
	}

	@Test
	void refusesExpiredTokenBeyondTheClockSkew() {
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET)
			.clockSkew(Duration.ofSeconds(5))
			.build();
		assertInvalid(validator, TestTokens.withClaims(Map.of("sub", "alex"), Duration.ofSeconds(-10)));
		assertThat(validator.validate(TestTokens.withClaims(Map.of("sub", "alex"), Duration.ofSeconds(-2))))
			.isPresent();
	}

	@Test
	void refusesTokenNotYetValid() {
		String token = TestTokens.hs256(TestTokens.claims("alex", "chat")
			.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.build());
		assertInvalid(this.hmac, token);
	}

	@Test
	void refusesTokenWithoutUser() {
		assertInvalid(this.hmac, TestTokens.withClaims(Map.of("sub", ""), Duration.ofMinutes(5)));
		assertInvalid(this.hmac, TestTokens.withClaims(Map.of("userId", " "), Duration.ofMinutes(5)));
	}

	@Test
	void checksIssuerAndAudienceWhenConfigured() {
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET)
			.issuer("https://issuer.example")
			.audience("sse")
			.build();
		assertThat(validator.validate(TestTokens.hs256(
				TestTokens.claims("alex", "chat").issuer("https://issuer.example").audience("sse").build())))
			.isPresent();
		assertInvalid(validator, TestTokens.hs256(
				TestTokens.claims("alex", "chat").issuer("https://other.example").audience("sse").build()));
		assertInvalid(validator, TestTokens.hs256(
				TestTokens.claims("alex", "chat").issuer("https://issuer.example").audience("other").build()));
		assertInvalid(validator, TestTokens.hs256(TestTokens.claims("alex", "chat").build()));
	}

	@Test
	void requiresTheConfiguredType() throws Exception {
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET).type("sse+jwt").build();
		MACSigner signer = new MACSigner(TestTokens.SECRET);
		JWTClaimsSet claims = TestTokens.claims("alex", "chat").build();
		assertThat(validator.validate(TestTokens.sign(signer,
				new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("sse+jwt")).build(), claims)))
			.isPresent();
		assertInvalid(validator, TestTokens.sign(signer,
				new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims));
		assertInvalid(validator, TestTokens.sign(signer, new JWSHeader(JWSAlgorithm.HS256), claims));
	}

	@Test
	void acceptsRs256AndPs256TokensWithThePublicKey() throws Exception {
		JwtTokenValidator validator = JwtTokenValidator.withPublicKey(RSA.getPublic()).build();
		RSASSASigner signer = new RSASSASigner(RSA.getPrivate());
		JWTClaimsSet claims = TestTokens.claims("alex", "chat").build();
		assertThat(validator.validate(TestTokens.sign(signer, new JWSHeader(JWSAlgorithm.RS256), claims))).isPresent();
		assertThat(validator.validate(TestTokens.sign(signer, new JWSHeader(JWSAlgorithm.PS256), claims))).isPresent();
	}

	@Test
	void refusesHmacTokenSignedWithThePublicKeyBytes() throws Exception {
		// Algorithm confusion: the attacker knows the public key and uses it as an HMAC secret.
		byte[] publicKeyBytes = RSA.getPublic().getEncoded();
		String token = TestTokens.sign(new MACSigner(publicKeyBytes), new JWSHeader(JWSAlgorithm.HS256),
				TestTokens.claims("alex", "chat").build());
		assertInvalid(JwtTokenValidator.withPublicKey(RSA.getPublic()).build(), token);
	}

	@Test
	void refusesRs256TokenSignedWithAnotherKey() throws Exception {
		KeyPair other = generate("RSA", 2048);
		String token = TestTokens.sign(new RSASSASigner(other.getPrivate()), new JWSHeader(JWSAlgorithm.RS256),
				TestTokens.claims("alex", "chat").build());
		assertInvalid(JwtTokenValidator.withPublicKey(RSA.getPublic()).build(), token);
	}

	@Test
	void acceptsEs256TokenWithTheEcPublicKey() throws Exception {
		String token = TestTokens.sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()),
				new JWSHeader(JWSAlgorithm.ES256), TestTokens.claims("alex", "chat").build());
		assertThat(JwtTokenValidator.withPublicKey(EC.getPublic()).build().validate(token)).isPresent();
	}

	@Test
	void acceptsEdDsaTokenWithTheEd25519PublicKey() {
		JwtTokenValidator validator = JwtTokenValidator.withPublicKey(ED25519.getPublic()).build();
		String token = TestTokens.sign(TestTokens.ed25519Signer(ED25519.getPrivate()), new JWSHeader(JWSAlgorithm.EdDSA),
				TestTokens.claims("alex", "chat").build());
		assertThat(validator.validate(token)).isPresent();
		String tampered = token.substring(0, token.lastIndexOf('.') + 1)
				+ TestTokens.sign(TestTokens.ed25519Signer(generate("Ed25519", 0).getPrivate()),
						new JWSHeader(JWSAlgorithm.EdDSA), TestTokens.claims("alex", "chat").build())
					.substring(token.lastIndexOf('.') + 1);
		assertInvalid(validator, tampered);
	}

	@Test
	void refusesMalformedSignaturesAsInvalidTokensRatherThanFailures() throws Exception {
		JWTClaimsSet claims = TestTokens.claims("alex", "chat").build();
		String eddsa = TestTokens.sign(TestTokens.ed25519Signer(ED25519.getPrivate()), new JWSHeader(JWSAlgorithm.EdDSA),
				claims);
		String es256 = TestTokens.sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()), new JWSHeader(JWSAlgorithm.ES256),
				claims);
		String rs256 = TestTokens.sign(new RSASSASigner(RSA.getPrivate()), new JWSHeader(JWSAlgorithm.RS256), claims);
		assertInvalid(JwtTokenValidator.withPublicKey(ED25519.getPublic()).build(), withShortSignature(eddsa));
		assertInvalid(JwtTokenValidator.withPublicKey(EC.getPublic()).build(), withShortSignature(es256));
		assertInvalid(JwtTokenValidator.withPublicKey(RSA.getPublic()).build(), withShortSignature(rs256));
	}

	private static String withShortSignature(String token) {
		return token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
	}

	@Test
	void refusesWeakRsaKeyAtStartUp() {
		assertThatIllegalStateException().isThrownBy(() -> JwtTokenValidator.withPublicKey(generate("RSA", 1024).getPublic()))
			.withMessageContaining("2048");
	}

	@Test
	void readsRsaEcAndEd25519PublicKeysFromPem() {
		for (KeyPair pair : new KeyPair[] { RSA, EC, ED25519 }) {
			String pem = "-----BEGIN PUBLIC KEY-----\n"
					+ Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
			assertThat(PublicKeyPem.parse(pem)).isEqualTo(pair.getPublic());
		}
		assertThatIllegalStateException().isThrownBy(() -> PublicKeyPem.parse("not a key"));
	}

	@Test
	void acceptsTokensSignedWithAKeyOfTheJwkSetChosenByKeyId() throws Exception {
		KeyPair other = generate("RSA", 2048);
		RSAKey jwk = new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("k1").build();
		RSAKey otherJwk = new RSAKey.Builder((RSAPublicKey) other.getPublic()).keyID("k2").build();
		byte[] jwks = new JWKSet(List.of(otherJwk, jwk)).toString().getBytes(StandardCharsets.UTF_8);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/jwks", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(jwks);
			}
		});
		server.start();
		try {
			JwtTokenValidator validator = JwtTokenValidator
				.withJwkSetUri("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks")
				.build();
			String token = TestTokens.sign(new RSASSASigner((RSAPrivateKey) RSA.getPrivate()),
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), TestTokens.claims("alex", "chat").build());
			assertThat(validator.validate(token)).isPresent();
			String otherToken = TestTokens.sign(new RSASSASigner(other.getPrivate()),
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k2").build(), TestTokens.claims("sam", "chat").build());
			assertThat(validator.validate(otherToken).orElseThrow().userId()).isEqualTo("sam");
			String wrongKeyId = TestTokens.sign(new RSASSASigner(other.getPrivate()),
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), TestTokens.claims("sam", "chat").build());
			assertInvalid(validator, wrongKeyId);
			assertInvalid(validator, TestTokens.hs256(TestTokens.claims("alex", "chat").build()));
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void acceptsEncryptedTokenAroundASignedJwtWhateverItsKidAndRefusesOthers() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET)
			.encryptionSecret(Base64.getEncoder().encodeToString(key))
			.build();
		String signed = TestTokens.hs256(TestTokens.claims("alex", "chat").build());
		assertThat(validator.validate(TestTokens.encrypt(signed, key)).orElseThrow().userId()).isEqualTo("alex");
		// One key: a kid in the JWE header does not stand in the way.
		assertThat(validator.validate(TestTokens.encrypt(signed, key, "enc-1"))).isPresent();
		assertInvalid(validator, signed);
		byte[] otherKey = new byte[32];
		assertInvalid(validator, TestTokens.encrypt(signed, otherKey));
		String unsignedInside = TestTokens.unsigned(TestTokens.claims("mallory", "*").build());
		assertInvalid(validator, TestTokens.encrypt(unsignedInside, key));
	}

	@Test
	void acceptsTokensOfTheIssuerWithTheSameSecrets() {
		String encryptionSecret = Base64.getEncoder().encodeToString(new byte[32]);
		String token = new JwtTokenIssuer(TestTokens.SECRET, encryptionSecret)
			.issue("alex", List.of("chat"), Duration.ofMinutes(5))
			.token();
		assertThat(token.split("\\.")).hasSize(5);
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET)
			.encryptionSecret(encryptionSecret)
			.build();
		SsePrincipal principal = validator.validate(token).orElseThrow();
		assertThat(principal.channels()).containsExactly("chat");
		assertThat(principal.tokenId()).isNotBlank();
	}

	@Test
	void acceptsTokensOfTheIssuerWhenIssuerAudienceAndTypeAreRequired() {
		String token = new JwtTokenIssuer(TestTokens.SECRET, null, "https://login.example.com", "sse", "sse+jwt")
			.issue("alex", List.of("chat"), Duration.ofMinutes(5))
			.token();
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET)
			.issuer("https://login.example.com")
			.audience("sse")
			.type("sse+jwt")
			.build();
		assertThat(validator.validate(token).orElseThrow().userId()).isEqualTo("alex");
		assertInvalid(JwtTokenValidator.withSecret(TestTokens.SECRET).audience("other").build(), token);
	}

	@Test
	void refusesTokensWithCharactersOutsideUnpaddedBase64Url() {
		String token = TestTokens.hs256(TestTokens.claims("alex", "chat").build());
		assertThat(this.hmac.validate(token)).isPresent();
		int signature = token.lastIndexOf('.') + 1;
		for (String tampered : List.of(token + "!!", token + "~*", token + "é", token + "=", token + " ",
				token.substring(0, signature + 5) + "*" + token.substring(signature + 5),
				token.substring(0, 10) + "\u0085" + token.substring(10), token.replace('-', '+').replace('_', '/') + "+/",
				token + ".", "." + token)) {
			assertThatExceptionOfType(InvalidTokenException.class).as(tampered)
				.isThrownBy(() -> this.hmac.validate(tampered))
				.withMessageContaining("compact serialization");
		}
	}

	@Test
	void refusesASignatureWhoseUnusedBitsAreSet() {
		String token = TestTokens.hs256(TestTokens.claims("alex", "chat").build());
		// 43 characters carry 32 bytes and two unused bits: a lenient decoder ignores them.
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		int last = alphabet.indexOf(token.charAt(token.length() - 1));
		String twin = token.substring(0, token.length() - 1) + alphabet.charAt(last | 1);
		assertThat(twin).isNotEqualTo(token);
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.hmac.validate(twin))
			.withMessageContaining("compact serialization");
	}

	@Test
	void acceptsATokenWhoseHeaderNamesAKeyWhenOneKeyIsConfigured() throws Exception {
		JWTClaimsSet claims = TestTokens.claims("alex", "chat").build();
		String hmacToken = TestTokens.sign(new MACSigner(TestTokens.SECRET),
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("2026-11").build(), claims);
		assertThat(this.hmac.validate(hmacToken)).isPresent();
		String rsaToken = TestTokens.sign(new RSASSASigner(RSA.getPrivate()),
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims);
		assertThat(JwtTokenValidator.withPublicKey(RSA.getPublic()).build().validate(rsaToken)).isPresent();
	}

	@Test
	void requiresTheConfiguredKeyId() throws Exception {
		JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET).keyId("2026-11").build();
		JWTClaimsSet claims = TestTokens.claims("alex", "chat").build();
		MACSigner signer = new MACSigner(TestTokens.SECRET);
		assertThat(validator.validate(TestTokens.sign(signer, new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("2026-11")
			.build(), claims))).isPresent();
		assertInvalid(validator,
				TestTokens.sign(signer, new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("2026-10").build(), claims));
		assertInvalid(validator, TestTokens.hs256(claims));
		String issued = new JwtTokenIssuer(TestTokens.SECRET, null, null, null, null, "2026-11")
			.issue("alex", List.of("chat"), Duration.ofMinutes(5))
			.token();
		assertThat(validator.validate(issued)).isPresent();
	}

	@Test
	void refusesEncryptionSecretThatIsNot256BitsOfBase64() {
		assertThatIllegalStateException()
			.isThrownBy(() -> JwtTokenValidator.withSecret(TestTokens.SECRET).encryptionSecret("too-short"))
			.withMessageContaining("sse.security.jwt.encryption-secret");
	}

	@Test
	void neverPutsTheTokenInItsMessages() {
		String token = TestTokens.unsigned(TestTokens.claims("alex", "chat").build());
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.hmac.validate(token))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[1]));
	}

	private static void assertInvalid(JwtTokenValidator validator, String token) {
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> validator.validate(token));
	}

	private static KeyPair generate(String algorithm, int size) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			if (size > 0) {
				generator.initialize(size);
			}
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair generateEc() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
