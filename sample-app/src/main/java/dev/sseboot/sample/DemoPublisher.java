package dev.sseboot.sample;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.sseboot.sse.SseBroker;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Publishes the demo's events: drone positions on {@code project:<id>} channels,
 * notifications to single users, numbered ticks on {@code ticker}, and a broadcast to
 * everyone.
 */
@Component
class DemoPublisher {

	static final List<String> USERS = List.of("alice", "bob");

	private final SseBroker broker;

	private final String node;

	private final AtomicLong ticks = new AtomicLong();

	private final AtomicLong tickerCount = new AtomicLong();

	DemoPublisher(SseBroker broker, @Value("${sse.cluster.node-id:local}") String node) {
		this.broker = broker;
		this.node = node;
	}

	@Scheduled(fixedRateString = "${demo.position-interval:1s}")
	void publishDronePositions() {
		long tick = this.ticks.incrementAndGet();
		for (int project = 1; project <= 2; project++) {
			double angle = tick / 10.0 + project;
			this.broker.toChannel("project:" + project)
				.send("position", new DronePosition("drone-" + project, project, 47.0 + Math.sin(angle) / 100,
						8.0 + Math.cos(angle) / 100, Instant.now()));
		}
	}

	@Scheduled(fixedRateString = "${demo.notification-interval:3s}")
	void publishNotifications() {
		long tick = this.ticks.get();
		for (String user : USERS) {
			this.broker.toUser(user).send("notification", new Notification(user, "Hello " + user + ", tick " + tick));
		}
	}

	@Scheduled(fixedRateString = "${demo.ticker-interval:500ms}")
	void publishTicker() {
		this.broker.toChannel("ticker").send("tick", new Tick(this.node, this.tickerCount.incrementAndGet()));
	}

	@Scheduled(fixedRateString = "${demo.broadcast-interval:10s}")
	void publishBroadcast() {
		this.broker.toAll().send("broadcast", "Server time " + Instant.now());
	}

	record DronePosition(String drone, int project, double lat, double lon, Instant at) {
	}

	record Notification(String user, String text) {
	}

	/**
	 * A numbered tick: the page checks that each node's numbers run on without a break.
	 * In cluster mode every node publishes its own.
	 */
	record Tick(String node, long n) {
	}

}
