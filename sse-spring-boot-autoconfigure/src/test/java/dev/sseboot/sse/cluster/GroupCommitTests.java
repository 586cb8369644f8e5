package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The group commit without a store: a sender that records its batches, holds the one
 * with {@code "hold"} until released, and fails those with {@code "fail"}.
 */
class GroupCommitTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<List<String>> batches = new CopyOnWriteArrayList<>();

	private final List<Thread> senders = new CopyOnWriteArrayList<>();

	private final CountDownLatch holding = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<Publisher> publishers = new ArrayList<>();

	private final GroupCommit<String, String> commit = new GroupCommit<>("test-group-commit", 3, 10, String::length,
			new RecordingSender(), WAIT.multipliedBy(3));

	/** Publishers of items whose outcome did not come within their wait. */
	private final List<Thread> timedOut = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.commit.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.release.countDown();
		this.commit.stop(WAIT);
		for (Publisher publisher : this.publishers) {
			publisher.thread.join(WAIT.toMillis());
		}
	}

	@Test
	void sendsAnItemOnItsOwnThreadAndReturnsWhatSendingGave() {
		assertThat(this.commit.submit("a")).isEqualTo("a sent");
		assertThat(this.batches).containsExactly(List.of("a"));
		assertThat(this.senders).extracting(Thread::getName).containsExactly("test-group-commit");
	}

	@Test
	void withdrawsAnItemThatStillWaitedWhenThePublishersWaitEnds() throws Exception {
		GroupCommit<String, String> commit = startWithShortWait();
		try {
			CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> commit.submit("hold"));
			assertThat(this.holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThatExceptionOfType(ClusterUnavailableException.class).isThrownBy(() -> commit.submit("a"))
				.withMessage("No answer from the cluster's log within 200ms: the event was not sent");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> holder.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
				.withCauseInstanceOf(ClusterUnavailableException.class)
				.withMessageContaining("may or may not have been sent");
			this.release.countDown();
			assertThat(commit.submit("b")).isEqualTo("b sent");
			assertThat(this.batches).containsExactly(List.of("hold"), List.of("b"));
		}
		finally {
			commit.stop(WAIT);
		}
	}

	@Test
	void tellsAPublisherWhoseItemWasOnItsWayWhenItsWaitEndedThatItMayHaveBeenSent() throws Exception {
		GroupCommit<String, String> commit = startWithShortWait();
		try {
			assertThatExceptionOfType(ClusterUnavailableException.class).isThrownBy(() -> commit.submit("hold"))
				.withMessage("No answer from the cluster's log within 200ms: the event may or may not have been sent");
			assertThat(this.timedOut).containsExactly(Thread.currentThread());
			this.release.countDown();
			assertThat(commit.submit("b")).isEqualTo("b sent");
			assertThat(this.batches).containsExactly(List.of("hold"), List.of("b"));
		}
		finally {
			commit.stop(WAIT);
		}
	}

	@Test
	void sendsWhatArrivedWhileABatchWasOnItsWayTogetherInTheOrderItArrived() throws Exception {
		Publisher holder = holdABatch();
		Publisher a = publishAndWait("a");
		Publisher b = publishAndWait("b");
		Publisher c = publishAndWait("c");
		this.release.countDown();
		assertThat(holder.result()).isEqualTo("hold sent");
		assertThat(a.result()).isEqualTo("a sent");
		assertThat(b.result()).isEqualTo("b sent");
		assertThat(c.result()).isEqualTo("c sent");
		assertThat(this.batches).containsExactly(List.of("hold"), List.of("a", "b", "c"));
		assertThat(this.senders).extracting(Thread::getName).containsOnly("test-group-commit");
	}

	@Test
	void boundsEachBatchByCountAndEndsItWithTheItemThatReachesTheSize() throws Exception {
		holdABatch();
		List<String> items = List.of("a", "b", "c", "d", "e".repeat(12), "f".repeat(6), "g".repeat(6), "h");
		List<Publisher> waiting = new ArrayList<>();
		for (String item : items) {
			waiting.add(publishAndWait(item));
		}
		this.release.countDown();
		for (Publisher publisher : waiting) {
			assertThat(publisher.result()).isEqualTo(publisher.item + " sent");
		}
		assertThat(this.batches).containsExactly(List.of("hold"), List.of("a", "b", "c"), List.of("d", "e".repeat(12)),
				List.of("f".repeat(6), "g".repeat(6)), List.of("h"));
	}

	@Test
	void largerItemThanTheSizeGoesAlone() throws Exception {
		holdABatch();
		Publisher large = publishAndWait("l".repeat(20));
		Publisher small = publishAndWait("s");
		this.release.countDown();
		assertThat(large.result()).isEqualTo("l".repeat(20) + " sent");
		assertThat(small.result()).isEqualTo("s sent");
		assertThat(this.batches).containsExactly(List.of("hold"), List.of("l".repeat(20)), List.of("s"));
	}

	@Test
	void sendsEveryItemOnceAndEachPublishersInTheOrderItSubmittedThem() throws Exception {
		int threads = 8;
		int perThread = 200;
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<List<String>>> results = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String name = "p" + t;
			CompletableFuture<List<String>> result = new CompletableFuture<>();
			results.add(result);
			Thread thread = new Thread(() -> {
				try {
					go.await();
					List<String> sent = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						sent.add(this.commit.submit(name + ":" + i));
					}
					result.complete(sent);
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			}, name);
			thread.setDaemon(true);
			thread.start();
		}
		go.countDown();
		for (int t = 0; t < threads; t++) {
			List<String> sent = results.get(t).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			for (int i = 0; i < perThread; i++) {
				assertThat(sent.get(i)).isEqualTo("p" + t + ":" + i + " sent");
			}
		}
		List<String> all = this.batches.stream().flatMap(List::stream).toList();
		assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
		assertThat(this.batches).allSatisfy((batch) -> assertThat(batch).hasSizeBetween(1, 3));
		for (int t = 0; t < threads; t++) {
			String prefix = "p" + t + ":";
			List<Integer> order = all.stream()
				.filter((item) -> item.startsWith(prefix))
				.map((item) -> Integer.parseInt(item.substring(prefix.length())))
				.toList();
			assertThat(order).as("publisher %d", t).isSorted().hasSize(perThread);
		}
	}

	@Test
	void failureSettlesEveryItemOfTheBatchAndTheNextBatchesGoThrough() throws Exception {
		holdABatch();
		Publisher a = publishAndWait("a");
		Publisher fail = publishAndWait("fail");
		Publisher b = publishAndWait("b");
		this.release.countDown();
		for (Publisher publisher : List.of(a, fail, b)) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(publisher::result)
				.havingCause()
				.isInstanceOf(ClusterUnavailableException.class)
				.withMessage("The event was not sent (refused)")
				.havingCause()
				.isInstanceOf(ClusterUnavailableException.class)
				.havingCause()
				.withMessage("refused");
		}
		assertThatExceptionOfType(ClusterUnavailableException.class).isThrownBy(() -> this.commit.submit("fail"))
			.withMessage("The event was not sent (refused)");
		assertThat(this.commit.submit("c")).isEqualTo("c sent");
		assertThat(this.batches).containsExactly(List.of("hold"), List.of("a", "fail", "b"), List.of("fail"),
				List.of("c"));
	}

	@Test
	void stopFailsTheItemsThatWaitAndThoseThatWouldWait() throws Exception {
		Publisher holder = holdABatch();
		Publisher waiting = publishAndWait("a");
		// The batch on its way outlives the stop's wait: it ends, then the sender fails the rest.
		this.commit.stop(Duration.ofMillis(50));
		assertThatExceptionOfType(ClusterUnavailableException.class).isThrownBy(() -> this.commit.submit("b"))
			.withMessage("The cluster's log has stopped: the event was not sent");
		this.release.countDown();
		assertThat(holder.result()).isEqualTo("hold sent");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(waiting::result)
			.havingCause()
			.isInstanceOf(ClusterUnavailableException.class)
			.withMessage("The cluster's log has stopped: the event was not sent");
		assertThat(this.batches).containsExactly(List.of("hold"));
	}

	@Test
	void interruptDoesNotEndAWaitAndIsKeptForAfterIt() throws Exception {
		holdABatch();
		Publisher waiting = publishAndWait("a");
		waiting.thread.interrupt();
		// The publisher took the interrupt in and waits on.
		await().atMost(WAIT)
			.until(() -> !waiting.thread.isInterrupted() && waiting.thread.getState() == Thread.State.TIMED_WAITING);
		assertThat(waiting.result).isNotDone();
		this.release.countDown();
		assertThat(waiting.result()).isEqualTo("a sent");
		assertThat(waiting.interruptedAfter).isTrue();
	}

	/** A group commit of its own whose publishers wait 200 ms at most. */
	private GroupCommit<String, String> startWithShortWait() {
		GroupCommit<String, String> commit = new GroupCommit<>("test-short-wait", 3, 10, String::length,
				new RecordingSender(), Duration.ofMillis(200));
		commit.start();
		return commit;
	}

	/** A publisher whose batch the sender holds until released: what comes next waits. */
	private Publisher holdABatch() throws InterruptedException {
		Publisher holder = publish("hold");
		assertThat(this.holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		return holder;
	}

	/** A publisher of an item that waits, parked, for the batch on its way. */
	private Publisher publishAndWait(String item) {
		Publisher publisher = publish(item);
		await().atMost(WAIT).until(() -> publisher.thread.getState() == Thread.State.TIMED_WAITING);
		return publisher;
	}

	private Publisher publish(String item) {
		Publisher publisher = new Publisher(item);
		this.publishers.add(publisher);
		publisher.thread.start();
		return publisher;
	}

	private final class Publisher {

		private final String item;

		private final CompletableFuture<String> result = new CompletableFuture<>();

		private final Thread thread;

		private volatile boolean interruptedAfter;

		Publisher(String item) {
			this.item = item;
			this.thread = new Thread(() -> {
				try {
					String sent = GroupCommitTests.this.commit.submit(item);
					this.interruptedAfter = Thread.currentThread().isInterrupted();
					this.result.complete(sent);
				}
				catch (Throwable ex) {
					this.result.completeExceptionally(ex);
				}
			}, "publisher-" + item);
			this.thread.setDaemon(true);
		}

		String result() throws Exception {
			return this.result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

	}

	private final class RecordingSender implements GroupCommit.Sender<String, String> {

		@Override
		public List<String> send(List<String> items) {
			GroupCommitTests.this.batches.add(List.copyOf(items));
			GroupCommitTests.this.senders.add(Thread.currentThread());
			if (items.contains("hold")) {
				GroupCommitTests.this.holding.countDown();
				try {
					GroupCommitTests.this.release.await();
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}
			if (items.contains("fail")) {
				throw new IllegalStateException("refused");
			}
			return items.stream().map((item) -> item + " sent").toList();
		}

		@Override
		public void timedOut() {
			GroupCommitTests.this.timedOut.add(Thread.currentThread());
		}

	}

}
