package dev.sseboot.sse.broker;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where a stream's frames are written: the HTTP response behind it. Writes never block:
 * when the client does not keep up, {@link #isWritable()} says so and the output calls
 * back once the connection can take more.
 */
public interface StreamOutput {

	/**
	 * Registers the callbacks of the broker. Called once, before any other method.
	 * @param writable called when the output becomes writable again
	 * @param failed called when the connection fails outside a write
	 */
	void listen(Runnable writable, Consumer<Throwable> failed);

	/**
	 * Returns whether a write can proceed now, flushing what an earlier write left
	 * buffered. If not, the output calls the writable callback later.
	 * @return whether a write can proceed
	 * @throws IOException if the client is gone
	 */
	boolean isWritable() throws IOException;

	/**
	 * Writes frames and flushes them if the connection takes them. Called only after
	 * {@link #isWritable()} returned {@code true}.
	 * @param frames the frames, in order
	 * @throws IOException if the client is gone
	 */
	void write(byte[] frames) throws IOException;

	/**
	 * Ends the response. Called once, after the last write.
	 */
	void complete();

	/**
	 * Ends the response at once, dropping what is not yet sent, and closes the
	 * connection: for a client that stopped reading or went away. Called at most once,
	 * instead of {@link #complete()}. Outputs that cannot drop what they buffered complete
	 * the response.
	 */
	default void abort() {
		complete();
	}

	/**
	 * Returns whether the client is known to have closed its connection, asking the
	 * server without blocking where it can tell. Without this, a closed client is only
	 * noticed when a write to it fails.
	 * @return whether the client is gone
	 */
	default boolean isClosedByClient() {
		return false;
	}

}
