package dev.sseboot.sse.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A control API without a key answers loopback host names only, so that a web page
 * cannot reach it through DNS rebinding.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "sse.control.enabled=true", "sse.control.port=0" })
class KeylessControlApiIntegrationTests {

	@Autowired
	SseControlServer controlServer;

	@Test
	void answersLoopbackHostNames() throws IOException {
		assertThat(post("127.0.0.1")).startsWith("HTTP/1.1 200").contains("\"token\"");
		assertThat(post("localhost")).startsWith("HTTP/1.1 200");
	}

	@Test
	void refusesOtherHostNamesWithoutMintingAToken() throws IOException {
		String response = post("rebound.evil.example");
		assertThat(response).startsWith("HTTP/1.1 403").contains("\"code\":\"FORBIDDEN\"").doesNotContain("\"token\"");
	}

	private String post(String host) throws IOException {
		String body = "userId=alex&channel=chat";
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.controlServer.getPort()), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /token HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded"
					+ "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			try (InputStream in = socket.getInputStream()) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
	}

}
