package dev.sseboot.sse.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A bare application on the starter's auto-configuration, for integration tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SseTestApplication {

}
