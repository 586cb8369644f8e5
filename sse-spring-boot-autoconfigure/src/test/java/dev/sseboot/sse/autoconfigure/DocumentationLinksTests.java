package dev.sseboot.sse.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README and the pages under {@code docs/} linked to what exists: every relative
 * link leads to a file of the repository, and every {@code #anchor} to a heading of its page,
 * as GitHub names headings.
 */
class DocumentationLinksTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path README = ROOT.resolve("README.md");

	private static final Path DOCS = ROOT.resolve("docs");

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#* *$");

	/** What GitHub drops from a heading's text to make its anchor. */
	private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]");

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	@Test
	void relativeLinksLeadToFilesAndHeadingsThatExist() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path page : pages()) {
			for (String target : links(page)) {
				if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
					continue; // https:, mailto:
				}
				int hash = target.indexOf('#');
				String path = (hash != -1) ? target.substring(0, hash) : target;
				Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
				if (!Files.exists(file)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (hash != -1 && !anchorsOf(file).contains(target.substring(hash + 1))) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	@Test
	void readmeLinksEveryPageOfTheDocs() throws IOException {
		Set<Path> linked = new LinkedHashSet<>();
		for (String target : links(README)) {
			linked.add(ROOT.resolve(target.replaceFirst("#.*", "")).normalize());
		}
		List<Path> docs = docs();
		assertThat(docs).isNotEmpty();
		assertThat(docs.stream().filter((page) -> !linked.contains(page)).map(ROOT::relativize)).isEmpty();
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(docs());
		pages.add(0, README);
		return pages;
	}

	private static List<Path> docs() throws IOException {
		try (Stream<Path> files = Files.list(DOCS)) {
			return files.filter((file) -> file.toString().endsWith(".md")).sorted().toList();
		}
	}

	/** The link targets of a page, outside code blocks and code spans. */
	private static List<String> links(Path page) throws IOException {
		List<String> targets = new ArrayList<>();
		for (String line : prose(page)) {
			Matcher matcher = LINK.matcher(CODE_SPAN.matcher(line).replaceAll("code"));
			while (matcher.find()) {
				targets.add(matcher.group(1));
			}
		}
		return targets;
	}

	private Set<String> anchorsOf(Path file) throws IOException {
		Set<String> found = this.anchors.get(file);
		if (found == null) {
			found = new LinkedHashSet<>();
			Map<String, Integer> seen = new HashMap<>();
			if (file.toString().endsWith(".md")) {
				for (String line : prose(file)) {
					Matcher heading = HEADING.matcher(line);
					if (heading.matches()) {
						String anchor = anchor(heading.group(1));
						int times = seen.merge(anchor, 1, Integer::sum);
						found.add((times == 1) ? anchor : anchor + "-" + (times - 1));
					}
				}
			}
			this.anchors.put(file, found);
		}
		return found;
	}

	/** GitHub's anchor of a heading: its text, lower case, punctuation dropped, spaces as hyphens. */
	private static String anchor(String heading) {
		String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
		return NOT_IN_ANCHOR.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
	}

	/** The lines of a page outside fenced code blocks, where a {@code #} starts a comment. */
	private static List<String> prose(Path page) throws IOException {
		List<String> lines = new ArrayList<>();
		boolean fenced = false;
		for (String line : Files.readAllLines(page)) {
			if (line.startsWith("```")) {
				fenced = !fenced;
			}
			else if (!fenced) {
				lines.add(line);
			}
		}
		return lines;
	}

}
