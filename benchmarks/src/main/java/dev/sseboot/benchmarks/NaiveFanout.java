package dev.sseboot.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The baseline: the pattern the starter replaces. A map of emitters, the token checked
 * in the controller, and {@code send} in a loop on the publishing thread.
 */
@RestController
@Profile("naive")
class NaiveFanout implements Fanout {

	private final Map<String, SseEmitter> emitters = new ConcurrentHashMap<>();

	private final Map<String, SseEmitter> byUser = new ConcurrentHashMap<>();

	private final JWSVerifier verifier;

	NaiveFanout(@Value("${sse.security.jwt.secret}") String secret) throws Exception {
		this.verifier = new MACVerifier(secret.getBytes(StandardCharsets.UTF_8));
	}

	@GetMapping("/sse")
	SseEmitter subscribe(@RequestParam String token, HttpServletResponse response) throws IOException {
		String user;
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!jwt.verify(this.verifier) || jwt.getJWTClaimsSet().getExpirationTime().getTime() < System.currentTimeMillis()) {
				response.sendError(403);
				return null;
			}
			user = jwt.getJWTClaimsSet().getSubject();
		}
		catch (Exception ex) {
			response.sendError(403);
			return null;
		}
		SseEmitter emitter = new SseEmitter(3_600_000L);
		String key = user + "#" + System.identityHashCode(emitter);
		this.emitters.put(key, emitter);
		this.byUser.put(user, emitter);
		Runnable remove = () -> {
			this.emitters.remove(key);
			this.byUser.remove(user, emitter);
		};
		emitter.onCompletion(remove);
		emitter.onTimeout(remove);
		emitter.onError((ex) -> remove.run());
		emitter.send(SseEmitter.event().name("sse-connected").data("{\"userId\":\"" + user + "\"}"));
		return emitter;
	}

	@Override
	public void broadcast(String data) {
		for (Map.Entry<String, SseEmitter> entry : this.emitters.entrySet()) {
			try {
				entry.getValue().send(SseEmitter.event().name("tick").data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.emitters.remove(entry.getKey());
			}
		}
	}

	@Override
	public void toUser(String userId, String data) {
		SseEmitter emitter = this.byUser.get(userId);
		if (emitter != null) {
			try {
				emitter.send(SseEmitter.event().name("tick").data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.byUser.remove(userId, emitter);
			}
		}
	}

	@Override
	public int connections() {
		return this.emitters.size();
	}

}
