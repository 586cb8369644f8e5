package dev.sseboot.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEMO ONLY: the starter's own figures for the demo page's live panel, read from its
 * Micrometer meters. Operators read the same meters at /actuator/prometheus.
 */
@RestController
class DemoFiguresController {

	private final MeterRegistry registry;

	DemoFiguresController(MeterRegistry registry) {
		this.registry = registry;
	}

	@GetMapping("/demo/figures")
	Map<String, Object> figures() {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("streams", gauge("sse.streams.open"));
		figures.put("users", gauge("sse.users.connected"));
		figures.put("published", total("sse.events.published"));
		figures.put("delivered", total("sse.frames.delivered"));
		figures.put("dropped", total("sse.events.dropped"));
		figures.put("replayed", total("sse.events.replayed"));
		figures.put("refused", byTag("sse.streams.refused", "code"));
		figures.put("closed", byTag("sse.streams.closed", "reason"));
		figures.put("resumes", byTag("sse.streams.opened", "resume"));
		Timer latency = this.registry.find("sse.delivery.latency").timer();
		figures.put("latencyMeanMillis", (latency != null) ? Math.round(latency.mean(TimeUnit.MILLISECONDS)) : 0);
		return figures;
	}

	private long gauge(String name) {
		return this.registry.find(name).gauges().stream().mapToLong((gauge) -> (long) gauge.value()).sum();
	}

	private long total(String name) {
		Search search = this.registry.find(name);
		return search.counters().stream().mapToLong((counter) -> (long) counter.count()).sum()
				+ search.functionCounters().stream().mapToLong((counter) -> (long) counter.count()).sum();
	}

	private Map<String, Long> byTag(String name, String tag) {
		Map<String, Long> counts = new TreeMap<>();
		for (Counter counter : this.registry.find(name).counters()) {
			if (counter.count() > 0) {
				counts.merge(counter.getId().getTag(tag), (long) counter.count(), Long::sum);
			}
		}
		return counts;
	}

}
