package dev.sseboot.sse.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The context of {@code sse.connect}: a stream's handshake, from the authenticated
 * request to the stream registered with its replay queued.
 */
public final class ConnectContext extends Observation.Context {

	private @Nullable String resume;

	/**
	 * Returns how the stream resumed.
	 * @return {@code none}, {@code recovered}, {@code gap} or {@code reset}, or
	 * {@code null} if it was refused before
	 */
	public @Nullable String resume() {
		return this.resume;
	}

	public void setResume(String resume) {
		this.resume = resume;
	}

}
