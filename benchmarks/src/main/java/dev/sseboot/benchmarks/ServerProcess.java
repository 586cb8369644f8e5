package dev.sseboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under load, read from {@code /proc} and {@code jmap}: its memory, its CPU time
 * and its live heap by class. Its children count too (nginx's workers).
 */
final class ServerProcess {

	private final String pid;

	ServerProcess(String pid) {
		this.pid = pid;
	}

	/**
	 * The server's live heap by class ({@code jmap -histo:live}, a full collection first):
	 * class name to instances and bytes. Empty where jmap cannot attach (a server not on
	 * the JVM).
	 */
	Map<String, long[]> histogram() throws Exception {
		Map<String, long[]> classes = new LinkedHashMap<>();
		Process jmap = new ProcessBuilder("jmap", "-histo:live", this.pid).redirectErrorStream(true)
			.start();
		Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
		for (String line : new String(jmap.getInputStream().readAllBytes()).split("\n")) {
			Matcher matcher = row.matcher(line);
			if (matcher.find()) {
				classes.put(matcher.group(3),
						new long[] { Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)) });
			}
		}
		jmap.waitFor();
		return classes;
	}

	/** What each added stream took, by class: the 25 largest, in bytes and instances per stream. */
	static List<Map<String, Object>> perStream(Map<String, long[]> before, Map<String, long[]> after,
			int streams) {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : after.entrySet()) {
			long[] was = before.getOrDefault(entry.getKey(), new long[2]);
			double bytes = (entry.getValue()[1] - was[1]) / (double) Math.max(1, streams);
			if (bytes >= 16) {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("class", entry.getKey());
				row.put("bytes_per_stream", Math.round(bytes));
				row.put("instances_per_stream", (entry.getValue()[0] - was[0]) / (double) Math.max(1, streams));
				rows.add(row);
			}
		}
		rows.sort((a, b) -> Long.compare((Long) b.get("bytes_per_stream"), (Long) a.get("bytes_per_stream")));
		return rows.subList(0, Math.min(25, rows.size()));
	}

	/** Resident set size of the server process and its children (nginx workers). */
	long rss() throws IOException {
		long total = 0;
		for (String pid : pids()) {
			for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
				if (line.startsWith("VmRSS:")) {
					total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		return total;
	}

	long cpuTicks() throws IOException {
		long total = 0;
		for (String pid : pids()) {
			String stat = Files.readString(Path.of("/proc", pid, "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		return total;
	}

	private List<String> pids() throws IOException {
		String root = this.pid;
		List<String> pids = new ArrayList<>(List.of(root));
		try (var dirs = Files.list(Path.of("/proc"))) {
			for (Path dir : dirs.toList()) {
				String pid = dir.getFileName().toString();
				if (!pid.chars().allMatch(Character::isDigit)) {
					continue;
				}
				try {
					String stat = Files.readString(dir.resolve("stat"));
					String ppid = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1];
					if (ppid.equals(root)) {
						pids.add(pid);
					}
				}
				catch (IOException ex) {
					// exited
				}
			}
		}
		return pids;
	}

}
