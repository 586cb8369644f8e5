package dev.sseboot.sse.replay;

import java.util.List;

/**
 * What a resuming stream gets: how it resumed and the events after its last id, oldest
 * first, not yet filtered for the stream.
 *
 * @param status how the stream resumed
 * @param events the retained events after the given id
 */
public record Replay(ResumeStatus status, List<BufferedEvent> events) {

	/** A resume that replays nothing. */
	public static Replay of(ResumeStatus status) {
		return new Replay(status, List.of());
	}

}
