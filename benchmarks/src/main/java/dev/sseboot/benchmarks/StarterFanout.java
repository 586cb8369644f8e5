package dev.sseboot.benchmarks;

import dev.sseboot.sse.SseBroker;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The starter: events go through {@link SseBroker}, streams are served at {@code /sse}.
 */
@Component
@Profile({ "starter", "rs256" })
class StarterFanout implements Fanout {

	private final SseBroker broker;

	StarterFanout(SseBroker broker) {
		this.broker = broker;
	}

	@Override
	public void broadcast(String data) {
		this.broker.toAll().send("tick", data);
	}

	@Override
	public void toUser(String userId, String data) {
		this.broker.toUser(userId).send("tick", data);
	}

	@Override
	public int connections() {
		return this.broker.connectionCount();
	}

}
