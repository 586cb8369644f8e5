package dev.sseboot.sse.cluster;

/**
 * Thrown when the cluster's log cannot be reached, such as during a Redis outage: the
 * event was not published, and no node delivers it. Streams stay open meanwhile.
 */
public class ClusterUnavailableException extends IllegalStateException {

	public ClusterUnavailableException(String message) {
		super(message);
	}

	public ClusterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
