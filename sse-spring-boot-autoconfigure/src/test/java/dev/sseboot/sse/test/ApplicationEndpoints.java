package dev.sseboot.sse.test;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints of "the application" around the stream endpoint, for coexistence tests.
 */
@RestController
public class ApplicationEndpoints {

	@GetMapping({ "/api/hello", "/web/hello", "/resource/hello", "/other/hello" })
	String hello() {
		return "hello";
	}

}
