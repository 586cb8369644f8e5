package dev.sseboot.sse.replay;

import org.jspecify.annotations.Nullable;

/**
 * Remembers the last event id written to each (user, client id), so that a client that
 * reconnects without {@code Last-Event-ID} (a page reload) resumes where it stopped.
 */
public interface DeliveryTracker {

	/**
	 * Records the last id written to a client. Must not wait long: writers call it.
	 * @param userId the user
	 * @param clientId the client's own stable id
	 * @param lastEventId the last event id written to it
	 */
	void record(String userId, String clientId, String lastEventId);

	/**
	 * Returns the last id written to a client, if remembered.
	 * @param userId the user
	 * @param clientId the client's own stable id
	 * @return the id, or {@code null}
	 */
	@Nullable String lastEventId(String userId, String clientId);

}
