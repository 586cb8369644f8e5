package dev.sseboot.sse.replay;

import org.jspecify.annotations.Nullable;

/**
 * An event id, {@code <epoch>-<sequence>}: the epoch names one buffer lifetime, the
 * sequence orders the events within it.
 *
 * @param epoch the epoch, letters and digits
 * @param sequence the sequence, from 1
 */
public record EventId(String epoch, long sequence) {

	/**
	 * Parses an id as clients send it back in {@code Last-Event-ID}.
	 * @param value the id
	 * @return the id, or {@code null} if the value is not one of ours
	 */
	public static @Nullable EventId parse(String value) {
		int dash = value.lastIndexOf('-');
		if (dash <= 0 || dash == value.length() - 1 || value.length() > 64) {
			return null;
		}
		String epoch = value.substring(0, dash);
		for (int i = 0; i < epoch.length(); i++) {
			if (!Character.isLetterOrDigit(epoch.charAt(i))) {
				return null;
			}
		}
		try {
			long sequence = Long.parseLong(value, dash + 1, value.length(), 10);
			return (sequence >= 0) ? new EventId(epoch, sequence) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return this.epoch + "-" + this.sequence;
	}

}
