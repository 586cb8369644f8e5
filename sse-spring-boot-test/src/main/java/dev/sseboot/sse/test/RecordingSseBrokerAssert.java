package dev.sseboot.sse.test;

import java.util.List;
import java.util.function.Predicate;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on what a {@link RecordingSseBroker} was asked to send, reached with
 * {@code Assertions.assertThat(broker)}.
 */
public class RecordingSseBrokerAssert extends AbstractAssert<RecordingSseBrokerAssert, RecordingSseBroker> {

	RecordingSseBrokerAssert(RecordingSseBroker broker) {
		super(broker, RecordingSseBrokerAssert.class);
	}

	/**
	 * Asserts that events were sent to a user ({@code toUser}, with or without a channel)
	 * and narrows to them.
	 * @param userId the user
	 * @return assertions on those events
	 */
	public SentEventsAssert sentTo(String userId) {
		return sent("to user " + userId, (event) -> userId.equals(event.userId()));
	}

	/**
	 * Asserts that events were sent to a channel ({@code toChannel}, or a user on it) and
	 * narrows to them.
	 * @param channel the channel
	 * @return assertions on those events
	 */
	public SentEventsAssert sentToChannel(String channel) {
		return sent("to channel " + channel, (event) -> channel.equals(event.channel()));
	}

	/**
	 * Asserts that events were sent to everyone ({@code toAll}) and narrows to them.
	 * @return assertions on those events
	 */
	public SentEventsAssert sentToAll() {
		return sent("to everyone", SentEvent::toAll);
	}

	/**
	 * Asserts that events were sent to one connection and narrows to them.
	 * @param connectionId the connection
	 * @return assertions on those events
	 */
	public SentEventsAssert sentToConnection(String connectionId) {
		return sent("to connection " + connectionId, (event) -> connectionId.equals(event.connectionId()));
	}

	/**
	 * Asserts that nothing was sent.
	 * @return this
	 */
	public RecordingSseBrokerAssert sentNothing() {
		isNotNull();
		if (!this.actual.sent().isEmpty()) {
			failWithMessage("Expected no event to be sent but sent %s", this.actual.sent());
		}
		return this;
	}

	/**
	 * Asserts that nothing was sent to a user.
	 * @param userId the user
	 * @return this
	 */
	public RecordingSseBrokerAssert sentNothingTo(String userId) {
		isNotNull();
		List<SentEvent> toUser = this.actual.sent().stream().filter((event) -> userId.equals(event.userId())).toList();
		if (!toUser.isEmpty()) {
			failWithMessage("Expected no event to user %s but sent %s", userId, toUser);
		}
		return this;
	}

	/**
	 * Asserts that a user's streams were closed with {@code disconnectUser}.
	 * @param userId the user
	 * @return this
	 */
	public RecordingSseBrokerAssert disconnected(String userId) {
		isNotNull();
		if (!this.actual.disconnectedUsers().contains(userId)) {
			failWithMessage("Expected user %s to be disconnected but disconnected %s", userId,
					this.actual.disconnectedUsers());
		}
		return this;
	}

	private SentEventsAssert sent(String to, Predicate<SentEvent> addressed) {
		isNotNull();
		List<SentEvent> all = this.actual.sent();
		List<SentEvent> matching = all.stream().filter(addressed).toList();
		if (matching.isEmpty()) {
			failWithMessage("Expected an event %s but sent %s", to, all);
		}
		return new SentEventsAssert(matching, to, all);
	}

}
