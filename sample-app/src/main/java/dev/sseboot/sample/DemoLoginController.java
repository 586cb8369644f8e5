package dev.sseboot.sample;

import java.time.Duration;
import java.util.List;

import dev.sseboot.sse.security.JwtTokenIssuer;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEMO ONLY: hands out a stream token for any user name, with no password and no user
 * store. A real application issues tokens after its own login.
 */
@RestController
class DemoLoginController {

	private static final Duration MAX_TTL = Duration.ofHours(1);

	private final JwtTokenIssuer tokenIssuer;

	DemoLoginController(JwtTokenIssuer tokenIssuer) {
		this.tokenIssuer = tokenIssuer;
	}

	@PostMapping("/demo/login")
	JwtTokenIssuer.IssuedToken login(@RequestParam String user,
			@RequestParam(name = "channel", defaultValue = "") List<String> channels,
			@RequestParam(name = "ttl", defaultValue = "PT10M") Duration ttl) {
		Duration validFor = (ttl.compareTo(MAX_TTL) > 0) ? MAX_TTL : ttl;
		return this.tokenIssuer.issue(user, channels.stream().filter((channel) -> !channel.isBlank()).toList(),
				validFor);
	}

}
