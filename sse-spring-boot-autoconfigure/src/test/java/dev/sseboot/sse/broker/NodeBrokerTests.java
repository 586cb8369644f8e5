package dev.sseboot.sse.broker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.fixtures.CapturedLogs;
import dev.sseboot.sse.replay.InMemoryReplayBuffer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class NodeBrokerTests {

	@RegisterExtension
	CapturedLogs logs = CapturedLogs.of(NodeBroker.class, GuardedBrokerMetrics.class);

	private final NodeBroker broker = NodeBroker.builder(settings().closeCheckInterval(Duration.ofMillis(1)).build())
		.build();

	@AfterEach
	void stop() {
		if (this.broker.isRunning()) {
			this.broker.stop();
		}
	}

	@Test
	void writesConnectedFrameAndEvents() {
		this.broker.start();
		RecordingOutput output = new RecordingOutput();
		this.broker.open(request("alex"), output);
		String id = this.broker.toUser("alex").send("message", "hi");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output.text()).startsWith("retry: 3000\nevent: sse-connected\n")
				.endsWith("id: " + id + "\nevent: message\ndata: hi\n\n"));
	}

	@Test
	void goesOnWhenItsMetricsThrow() {
		BrokerMetrics failing = new BrokerMetrics() {
			@Override
			public void opened(dev.sseboot.sse.replay.ResumeStatus resume, int replayedEvents) {
				throw new IllegalStateException("metrics down");
			}

			@Override
			public void published(Target target) {
				throw new IllegalStateException("metrics down");
			}

			@Override
			public void written(int events, long publishedNanos) {
				throw new IllegalStateException("metrics down");
			}
		};
		NodeBroker measured = NodeBroker.builder(settings().closeCheckInterval(Duration.ofMillis(1)).build())
			.metrics(failing)
			.build();
		try {
			RecordingOutput output = new RecordingOutput();
			measured.open(request("alex"), output);
			String id = measured.toUser("alex").send("message", "hi");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(output.text()).endsWith("id: " + id + "\nevent: message\ndata: hi\n\n"));
			assertThat(measured.isOnline("alex")).isTrue();
			// Told once, with the failure; then quiet at WARN.
			assertThat(this.logs.text()).containsOnlyOnce("WARN SSE metrics failed").contains("metrics down");
		}
		finally {
			measured.stop();
		}
	}

	@Test
	void stopSendsShutdownCloseAndCompletesEveryStream() {
		this.broker.start();
		RecordingOutput output = new RecordingOutput();
		this.broker.open(request("alex"), output);
		this.broker.stop();
		assertThat(output.text()).endsWith("event: sse-close\ndata: {\"reason\":\"shutdown\"}\n\n");
		assertThat(output.completed).isTrue();
		assertThat(this.broker.connectionCount()).isZero();
		assertThat(this.broker.status().closingCount()).isZero();
		assertThat(this.broker.isRunning()).isFalse();
	}

	@Test
	void refusesStreamsWhileStopped() {
		this.broker.start();
		this.broker.stop();
		assertThatExceptionOfType(ConnectionRejectedException.class)
			.isThrownBy(() -> this.broker.open(request("alex"), new RecordingOutput()))
			.satisfies((ex) -> assertThat(ex.rejection()).isEqualTo(ConnectionRejectedException.Cause.SHUTTING_DOWN));
	}

	/**
	 * A lifecycle bean may be stopped and started again: {@code context.stop()/start()},
	 * and Spring Framework 7 pauses cached test contexts that way between test classes.
	 */
	@Test
	void writesToStreamsAfterStopAndStartAgain() {
		this.broker.start();
		this.broker.stop();
		this.broker.start();
		RecordingOutput output = new RecordingOutput();
		this.broker.open(request("alex"), output);
		String id = this.broker.toUser("alex").send("message", "hi");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output.text()).contains("event: sse-connected\n")
				.endsWith("id: " + id + "\nevent: message\ndata: hi\n\n"));
		assertThat(output.completed).as("stream completed right away").isFalse();
		assertThat(this.broker.connectionCount()).isEqualTo(1);
	}

	@Test
	void deliversEveryBroadcastInOrderToStreamsSpanningSeveralWriterChunks() {
		this.broker.start();
		List<RecordingOutput> outputs = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			RecordingOutput output = new RecordingOutput();
			this.broker.open(request("user-" + i), output);
			outputs.add(output);
		}
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 5; i++) {
			String id = this.broker.toAll().send("message", "event " + i);
			expected.append("id: ").append(id).append("\nevent: message\ndata: event ").append(i).append("\n\n");
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(outputs).allSatisfy((output) -> assertThat(output.text()).endsWith(expected.toString())));
	}

	@Test
	void keepsWritingToTheOtherStreamsOfAChunkWhenOneStreamFails() {
		this.broker.start();
		List<RecordingOutput> outputs = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			RecordingOutput output = (i == 3) ? new FailingOutput() : new RecordingOutput();
			this.broker.open(request("user-" + i), output);
			outputs.add(output);
		}
		String id = this.broker.toAll().send("message", "hi");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(outputs).filteredOn((output) -> !(output instanceof FailingOutput))
				.allSatisfy((output) -> assertThat(output.text()).endsWith("id: " + id + "\nevent: message\ndata: hi\n\n")));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.connectionCount() == 9);
		// Not the client's doing: worth a warning with the failure.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.logs.text()).contains("WARN Stream SseStream[")
				.contains("java.lang.IllegalStateException: client gone"));
	}

	@Test
	void replaysOnlyWhatTheQueueHoldsAndReportsAGap() {
		InMemoryReplayBuffer buffer = new InMemoryReplayBuffer(NodeBroker.newEpoch(), 100, Duration.ofMinutes(1),
				1 << 24);
		NodeBroker small = NodeBroker.builder(settings().queueCapacity(3).build()).replayBuffer(buffer).build();
		try {
			String big = "x".repeat(60 * 1024);
			String first = small.toUser("alex").send("message", big);
			List<String> missed = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				missed.add(small.toUser("alex").send("message", big));
			}
			RecordingOutput output = new RecordingOutput();
			small.open(new StreamRequest(SsePrincipal.of("alex", Set.of()), Set.of(), first, null), output);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(output.text()).contains("id: " + missed.get(3) + "\n"));
			assertThat(output.text()).contains("\"resume\":\"gap\"")
				.contains("id: " + missed.get(2) + "\n")
				.doesNotContain("id: " + missed.get(1) + "\n");
		}
		finally {
			small.stop();
		}
	}

	@Test
	void closesTheOldestStreamOfAUserAtTheLimitWithReasonReplaced() {
		NodeBroker limited = broker(2, LimitPolicy.EVICT_OLDEST);
		try {
			RecordingOutput oldest = new RecordingOutput();
			RecordingOutput middle = new RecordingOutput();
			limited.open(request("alex"), oldest);
			limited.open(request("alex"), middle);
			limited.open(request("alex"), new RecordingOutput());
			assertThat(limited.connections("alex")).hasSize(2);
			await().atMost(Duration.ofSeconds(5)).until(() -> oldest.completed);
			assertThat(oldest.text()).endsWith("event: sse-close\ndata: {\"reason\":\"replaced\"}\n\n");
			assertThat(middle.text()).doesNotContain("sse-close");
			assertThat(middle.completed).isFalse();
		}
		finally {
			limited.stop();
		}
	}

	@Test
	void refusesAStreamOverTheLimitUntilTheUsersFirstStreamIsDueToEnd() {
		NodeBroker limited = broker(2, LimitPolicy.REJECT);
		try {
			Instant soon = Instant.now().plus(Duration.ofMinutes(3));
			limited.open(request("alex", Instant.now().plus(Duration.ofMinutes(30))), new RecordingOutput());
			limited.open(request("alex", soon), new RecordingOutput());
			assertThatExceptionOfType(ConnectionRejectedException.class)
				.isThrownBy(() -> limited.open(request("alex"), new RecordingOutput()))
				.satisfies((ex) -> {
					assertThat(ex.rejection()).isEqualTo(ConnectionRejectedException.Cause.USER_LIMIT);
					assertThat(ex.retryAfter()).isBetween(Duration.ofMinutes(3).minusSeconds(5), Duration.ofMinutes(3));
				});
			assertThat(limited.connections("alex")).hasSize(2);
		}
		finally {
			limited.stop();
		}
	}

	@Test
	void freesTheSlotOfAStreamWhoseClientClosedInsteadOfRefusing() {
		NodeBroker limited = broker(1, LimitPolicy.REJECT);
		try {
			RecordingOutput left = new RecordingOutput();
			limited.open(request("alex"), left);
			left.closedByClient = true;
			limited.open(request("alex"), new RecordingOutput());
			assertThat(limited.connections("alex")).hasSize(1);
			await().atMost(Duration.ofSeconds(5)).until(() -> left.aborted);
			assertThat(left.completed).isFalse();
			assertThat(left.text()).doesNotContain("sse-close");
		}
		finally {
			limited.stop();
		}
	}

	@Test
	void dropsStreamsWhoseClientClosedAtTheNextCheck() {
		this.broker.start();
		RecordingOutput gone = new RecordingOutput();
		RecordingOutput staying = new RecordingOutput();
		this.broker.open(request("gone"), gone);
		this.broker.open(request("staying"), staying);
		gone.closedByClient = true;
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.broker.isOnline("gone"));
		assertThat(this.broker.isOnline("staying")).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> gone.aborted);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.status().closingCount() == 0);
		assertThat(staying.aborted).isFalse();
	}

	@Test
	void abortsASlowConsumerAtOnceWithoutWaitingForItsConnection() {
		this.broker.start();
		StalledOutput stalled = new StalledOutput();
		this.broker.open(request("slow"), stalled);
		// The queue holds 16 frames, sse-connected included: the 16th event overflows it.
		for (int i = 0; i < 16; i++) {
			this.broker.toUser("slow").send("tick", "t" + i);
		}
		assertThat(this.broker.isOnline("slow")).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> stalled.aborted);
		assertThat(stalled.text()).isEmpty();
		assertThat(stalled.completed).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.status().closingCount() == 0);
	}

	@Test
	void resumesAStreamOnlyOnceTheNodeHasJoinedTheClusterLog() throws InterruptedException {
		JoinOnDemandLog log = new JoinOnDemandLog(3);
		InMemoryReplayBuffer buffer = new InMemoryReplayBuffer(NodeBroker.newEpoch(), 100, Duration.ofMinutes(1),
				1 << 20);
		NodeBroker node = NodeBroker.builder(settings().build()).clusterLog(log).replayBuffer(buffer).build();
		try {
			RecordingOutput output = new RecordingOutput();
			Thread opening = new Thread(() -> node.open(
					new StreamRequest(SsePrincipal.of("alex", Set.of()), Set.of(), "log-1", null), output));
			opening.start();
			// Waiting for the join: before it, the node knows no epoch, and would reset.
			await().atMost(Duration.ofSeconds(5)).until(() -> opening.getState() == Thread.State.TIMED_WAITING);
			log.join("log");
			opening.join(Duration.ofSeconds(5).toMillis());
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(output.text()).contains("\"resume\":\"recovered\"")
					.contains("id: log-2\n")
					.endsWith("id: log-3\nevent: tick\ndata: 3\n\n"));
		}
		finally {
			node.stop();
		}
	}

	@Test
	void refusesAStreamWhileTheNodeHasNotJoinedTheClusterLog() {
		NodeBroker node = NodeBroker.builder(settings().build()).clusterLog(new JoinOnDemandLog(0)).build();
		try {
			assertThatExceptionOfType(ConnectionRejectedException.class)
				.isThrownBy(() -> node.open(request("alex"), new RecordingOutput()))
				.satisfies((ex) -> assertThat(ex.rejection()).isEqualTo(ConnectionRejectedException.Cause.NOT_JOINED));
			assertThat(node.connectionCount()).isZero();
		}
		finally {
			node.stop();
		}
	}

	private static NodeBroker broker(int maxPerUser, LimitPolicy onLimit) {
		return NodeBroker.builder(settings().maxPerUser(maxPerUser, onLimit).writerThreads(1).build()).build();
	}

	/** Small queues, no lifetime jitter, no close checks unless a test asks for them. */
	private static BrokerSettings.Builder settings() {
		return BrokerSettings.builder()
			.queueCapacity(16)
			.maxLifetime(Duration.ofHours(1), 0)
			.closeCheckInterval(Duration.ZERO)
			.writerThreads(2);
	}

	private static StreamRequest request(String userId, Instant expiresAt) {
		return new StreamRequest(new SsePrincipal(userId, Set.of("chat"), expiresAt, null, Map.of()), Set.of("chat"),
				null, null);
	}

	private static StreamRequest request(String userId) {
		return new StreamRequest(SsePrincipal.of(userId, Set.of("chat")), Set.of("chat"), null, null);
	}

	/**
	 * A cluster's log of events 1 to n, which the node joins at its end when the test says
	 * so, as a log whose store answers late.
	 */
	static final class JoinOnDemandLog implements ClusterLog {

		private final List<LogRecord> records = new ArrayList<>();

		private volatile ClusterLog.@Nullable Reader reader;

		JoinOnDemandLog(int events) {
			for (int sequence = 1; sequence <= events; sequence++) {
				this.records.add(new LogRecord(sequence, LogRecord.Kind.EVENT, "tick", Integer.toString(sequence),
						Instant.now(), null, null, null));
			}
		}

		void join(String epoch) {
			this.reader.reset(epoch, this.records.size(), false);
		}

		@Override
		public void start(Reader reader) {
			this.reader = reader;
		}

		@Override
		public void stop() {
		}

		@Override
		public String append(LogRecord record, @Nullable String idempotencyKey) {
			throw new ClusterUnavailableException("Not joined");
		}

		@Override
		public Tail readAfter(long sequence) {
			return new Tail(this.records.stream().filter((record) -> record.sequence() > sequence).toList(), true,
					this.records.size());
		}

		@Override
		public Map<String, Instant> revokedTokens() {
			return Map.of();
		}

		@Override
		public long lastSequence() {
			return this.records.size();
		}

	}

	/** A client that stopped reading: its connection takes nothing until it is writable again. */
	static final class StalledOutput extends RecordingOutput {

		@Override
		public boolean isWritable() {
			return false;
		}

	}

	/** A client that is gone: every write fails. */
	static final class FailingOutput extends RecordingOutput {

		@Override
		public synchronized void write(byte[] frames) {
			throw new IllegalStateException("client gone");
		}

	}

	static class RecordingOutput implements StreamOutput {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		volatile boolean completed;

		volatile boolean aborted;

		volatile boolean closedByClient;

		@Override
		public void listen(Runnable writable, Consumer<Throwable> failed) {
		}

		@Override
		public void abort() {
			this.aborted = true;
		}

		@Override
		public boolean isClosedByClient() {
			return this.closedByClient;
		}

		@Override
		public boolean isWritable() {
			return true;
		}

		@Override
		public synchronized void write(byte[] frames) {
			this.bytes.writeBytes(frames);
		}

		@Override
		public void complete() {
			this.completed = true;
		}

		synchronized String text() {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}

	}

}
