package dev.sseboot.sse.broker;

import java.io.IOException;

/**
 * Where a stream's frames are written: the HTTP response behind it.
 */
public interface StreamOutput {

	/**
	 * Writes frames and flushes them, once.
	 * @param frames the frames, in order
	 * @throws IOException if the client is gone
	 */
	void write(byte[] frames) throws IOException;

	/**
	 * Ends the response. Called once, after the last write.
	 */
	void complete();

}
