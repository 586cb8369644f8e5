package dev.sseboot.sse.test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes an application's {@code /actuator/prometheus} and reads its samples.
 */
public final class Prometheus {

	private final SseTestClient client;

	private final String path;

	public Prometheus(SseTestClient client, String path) {
		this.client = client;
		this.path = path;
	}

	/**
	 * Scrapes the endpoint.
	 * @return the samples
	 */
	public Scrape scrape() {
		HttpResponse<String> response = this.client.send("GET", this.path, Map.of());
		assertThat(response.statusCode()).as("GET %s", this.path).isEqualTo(200);
		return new Scrape(response.body());
	}

	/**
	 * One scrape: the text and its samples, keyed by name and sorted labels, e.g.
	 * {@code sse_streams_closed_total{reason="revoked"}}.
	 */
	public record Scrape(String text, Map<String, Double> samples) {

		Scrape(String text) {
			this(text, parse(text));
		}

		/**
		 * Returns a sample, 0 if absent.
		 * @param name the sample's name
		 * @param labels label names and values, in any order
		 * @return the value
		 */
		public double value(String name, String... labels) {
			return this.samples.getOrDefault(key(name, labels), 0.0);
		}

		/**
		 * Returns whether a sample exists.
		 * @param name the sample's name, with its labels as {@link #value} takes them
		 * @param labels label names and values
		 * @return whether it is in the scrape
		 */
		public boolean has(String name, String... labels) {
			return this.samples.containsKey(key(name, labels));
		}

		private static String key(String name, String... labels) {
			Map<String, String> map = new HashMap<>();
			for (int i = 0; i < labels.length; i += 2) {
				map.put(labels[i], labels[i + 1]);
			}
			return name + render(map);
		}

		private static String render(Map<String, String> labels) {
			return labels.isEmpty() ? ""
					: labels.entrySet()
						.stream()
						.sorted(Map.Entry.comparingByKey())
						.map((entry) -> entry.getKey() + "=\"" + entry.getValue() + "\"")
						.collect(Collectors.joining(",", "{", "}"));
		}

		private static Map<String, Double> parse(String text) {
			Map<String, Double> samples = new HashMap<>();
			for (String line : text.split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				int space = line.lastIndexOf(' ');
				String series = line.substring(0, space);
				int brace = series.indexOf('{');
				Map<String, String> labels = new HashMap<>();
				if (brace >= 0) {
					String inner = series.substring(brace + 1, series.lastIndexOf('}'));
					Arrays.stream(inner.split(",(?=[a-zA-Z_]+=\")"))
						.filter((pair) -> !pair.isEmpty())
						.forEach((pair) -> {
							int equals = pair.indexOf('=');
							labels.put(pair.substring(0, equals), pair.substring(equals + 2, pair.length() - 1));
						});
					series = series.substring(0, brace);
				}
				samples.put(series + render(labels), Double.parseDouble(line.substring(space + 1)));
			}
			return samples;
		}

	}

}
