package dev.sseboot.sample;

import java.time.Duration;
import java.util.List;

import java.util.Map;

import dev.sseboot.sse.security.JwtTokenIssuer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
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

	private final Duration shortTokenTtl;

	DemoLoginController(JwtTokenIssuer tokenIssuer, @Value("${demo.short-token-ttl:20s}") Duration shortTokenTtl) {
		this.tokenIssuer = tokenIssuer;
		this.shortTokenTtl = shortTokenTtl;
	}

	@GetMapping("/demo/config")
	Map<String, Object> config() {
		return Map.of("shortTokenTtlSeconds", this.shortTokenTtl.toSeconds());
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
