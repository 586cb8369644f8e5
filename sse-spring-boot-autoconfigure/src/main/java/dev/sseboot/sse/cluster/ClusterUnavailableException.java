package dev.sseboot.sse.cluster;

/**
 * Thrown when the cluster's log cannot be reached, such as during a Redis outage, or did
 * not answer within {@code sse.cluster.publish-timeout}. Unless the message says the event
 * may have been sent, it was not published and no node delivers it; if it may have been,
 * a retry with the send's idempotency key delivers it once. Streams stay open meanwhile.
 */
public class ClusterUnavailableException extends IllegalStateException {

	public ClusterUnavailableException(String message) {
		super(message);
	}

	public ClusterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
