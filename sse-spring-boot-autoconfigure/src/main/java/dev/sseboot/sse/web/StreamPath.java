package dev.sseboot.sse.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriUtils;

/**
 * The stream endpoint's path, matched against a request URI as the client sent it: with
 * path parameters, percent-encoding, dot segments and repeated slashes, which the
 * container normalizes before mapping the request, but which its refusals (and the
 * request firewall's) still carry.
 */
public final class StreamPath {

	private final String path;

	/**
	 * Creates the path.
	 * @param path the stream endpoint's path, context path included
	 */
	public StreamPath(String path) {
		this.path = path;
	}

	/**
	 * Returns whether a request URI addresses the stream endpoint.
	 * @param requestUri the URI as sent, without its query, or {@code null}
	 * @return whether it is the stream endpoint's
	 */
	public boolean matches(@Nullable String requestUri) {
		return requestUri != null && (this.path.equals(requestUri) || this.path.equals(normalize(requestUri)));
	}

	private static String normalize(String requestUri) {
		Deque<String> segments = new ArrayDeque<>();
		String name = "";
		for (String segment : requestUri.split("/", -1)) {
			int parameters = segment.indexOf(';');
			name = decode((parameters >= 0) ? segment.substring(0, parameters) : segment);
			if (name.equals("..")) {
				segments.pollLast();
			}
			else if (!name.isEmpty() && !name.equals(".")) {
				segments.addLast(name);
			}
		}
		// A trailing slash names another path: "/sse/" is not the endpoint.
		boolean directory = name.isEmpty() || name.equals(".") || name.equals("..");
		return "/" + String.join("/", segments) + ((directory && !segments.isEmpty()) ? "/" : "");
	}

	private static String decode(String segment) {
		try {
			return UriUtils.decode(segment, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return segment;
		}
	}

}
