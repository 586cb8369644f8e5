package dev.sseboot.sse.broker;

import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.replay.BufferedEvent;
import dev.sseboot.sse.replay.Replay;

/**
 * The frames a resuming stream gets: the replayed events addressed to it, joined into
 * frames of up to one write each.
 */
final class ReplayFrames {

	/**
	 * Renders the replayed events the stream may receive, coalesced into a few large
	 * frames so that a long replay takes few places in the stream's queue.
	 * @param stream the stream
	 * @param replay what it resumes with
	 * @return the frames, oldest first
	 */
	static List<Frame> render(SseStream stream, Replay replay) {
		List<Frame> frames = new ArrayList<>();
		List<BufferedEvent> chunk = new ArrayList<>();
		int chunkBytes = 0;
		for (BufferedEvent buffered : replay.events()) {
			SseEvent event = buffered.event();
			if (!event.isAddressedTo(stream.principal().userId(), stream.channels())) {
				continue;
			}
			if (stream.channelPrefix() && event.channel() != null) {
				buffered = new BufferedEvent(event, FrameEncoder.withChannelPrefix(event));
			}
			if (chunkBytes + buffered.frame().length > StreamWriter.MAX_BATCH_BYTES && !chunk.isEmpty()) {
				frames.add(joined(chunk, chunkBytes));
				chunk.clear();
				chunkBytes = 0;
			}
			chunk.add(buffered);
			chunkBytes += buffered.frame().length;
		}
		if (!chunk.isEmpty()) {
			frames.add(joined(chunk, chunkBytes));
		}
		return frames;
	}

	/**
	 * Returns how many events some frames hold.
	 * @param frames the frames
	 * @return the number of events
	 */
	static int eventCount(List<Frame> frames) {
		int events = 0;
		for (Frame frame : frames) {
			events += frame.events();
		}
		return events;
	}

	private static Frame joined(List<BufferedEvent> events, int size) {
		byte[] bytes = new byte[size];
		int position = 0;
		for (BufferedEvent event : events) {
			System.arraycopy(event.frame(), 0, bytes, position, event.frame().length);
			position += event.frame().length;
		}
		return new Frame(bytes, events.get(events.size() - 1).event().id(), events.size(), 0);
	}

	private ReplayFrames() {
	}

}
