package dev.sseboot.sse.security;

/**
 * Checks that a token is a JWT in canonical compact serialization: three segments (a
 * signed JWT) or five (an encrypted one), each unpadded base64url and the one encoding of
 * its bytes. Nimbus decodes leniently, skipping characters outside the alphabet, so a
 * token with characters added to it would otherwise pass as the token it was made from.
 */
final class CompactSerialization {

	private CompactSerialization() {
	}

	/**
	 * Returns whether a token is in canonical compact serialization.
	 * @param token the token
	 * @return whether every segment is canonical base64url and there are three or five
	 */
	static boolean isCanonical(String token) {
		int segments = 0;
		int start = 0;
		for (int i = 0; i <= token.length(); i++) {
			if (i == token.length() || token.charAt(i) == '.') {
				if (!isCanonicalBase64Url(token, start, i)) {
					return false;
				}
				segments++;
				start = i + 1;
			}
		}
		return segments == 3 || segments == 5;
	}

	private static boolean isCanonicalBase64Url(String text, int from, int to) {
		int length = to - from;
		if (length % 4 == 1) {
			return false;
		}
		for (int i = from; i < to; i++) {
			if (sextet(text.charAt(i)) < 0) {
				return false;
			}
		}
		if (length == 0) {
			return true;
		}
		// The bits of the last character beyond the last whole byte must be zero, or
		// several texts would decode to the same bytes.
		int last = sextet(text.charAt(to - 1));
		return switch (length % 4) {
			case 2 -> (last & 0x0F) == 0;
			case 3 -> (last & 0x03) == 0;
			default -> true;
		};
	}

	private static int sextet(char c) {
		if (c >= 'A' && c <= 'Z') {
			return c - 'A';
		}
		if (c >= 'a' && c <= 'z') {
			return c - 'a' + 26;
		}
		if (c >= '0' && c <= '9') {
			return c - '0' + 52;
		}
		if (c == '-') {
			return 62;
		}
		return (c == '_') ? 63 : -1;
	}

}
