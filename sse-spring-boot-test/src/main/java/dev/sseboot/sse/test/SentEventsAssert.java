package dev.sseboot.sse.test;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on some of the events a {@link RecordingSseBroker} sent: those to one user,
 * channel or connection, or to everyone, narrowed further by name.
 */
public class SentEventsAssert extends AbstractAssert<SentEventsAssert, List<SentEvent>> {

	private final String description;

	private final List<SentEvent> all;

	SentEventsAssert(List<SentEvent> events, String description, List<SentEvent> all) {
		super(events, SentEventsAssert.class);
		this.description = description;
		this.all = all;
	}

	/**
	 * Asserts that one of the events has a name and narrows to those that do.
	 * @param name the event name
	 * @return assertions on those events
	 */
	public SentEventsAssert event(String name) {
		List<SentEvent> named = this.actual.stream().filter((event) -> name.equals(event.name())).toList();
		if (named.isEmpty()) {
			failWithMessage("Expected event <%s> %s but sent %s", name, this.description, this.all);
		}
		return new SentEventsAssert(named, "<" + name + "> " + this.description, this.all);
	}

	/**
	 * Asserts that one of the events carries data equal to the given object, as the
	 * application passed it to {@code send}.
	 * @param data the data
	 * @return this
	 */
	public SentEventsAssert withData(Object data) {
		if (this.actual.stream().noneMatch((event) -> Objects.equals(data, event.data()))) {
			failWithMessage("Expected an event %s with data <%s> but sent %s", this.description, data, this.actual);
		}
		return this;
	}

	/**
	 * Asserts that the events number exactly this many.
	 * @param count the number of events
	 * @return this
	 */
	public SentEventsAssert times(int count) {
		if (this.actual.size() != count) {
			failWithMessage("Expected %d events %s but sent %d: %s", count, this.description, this.actual.size(),
					this.actual);
		}
		return this;
	}

	/**
	 * Asserts that every one of the events satisfies the given requirements.
	 * @param requirements assertions on one event
	 * @return this
	 */
	public SentEventsAssert allSatisfy(Consumer<SentEvent> requirements) {
		this.actual.forEach(requirements);
		return this;
	}

}
