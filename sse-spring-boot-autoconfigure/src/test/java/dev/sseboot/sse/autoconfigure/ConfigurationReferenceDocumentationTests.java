package dev.sseboot.sse.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the configuration reference, {@code docs/configuration.md}, true to the generated
 * metadata.
 */
class ConfigurationReferenceDocumentationTests {

	private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");

	private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	private static final Pattern DOCUMENTED_PROPERTY = Pattern.compile("^\\| `((?:sse|management\\.endpoint\\.sse)\\.[a-z0-9.-]+)` \\|",
			Pattern.MULTILINE);

	@Test
	void referenceDocumentsEveryPropertyAndNoOther() throws IOException {
		Set<String> generated = new TreeSet<>();
		JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
		for (JsonNode property : metadata.get("properties")) {
			generated.add(property.get("name").asString());
		}
		Set<String> documented = new TreeSet<>();
		// The reference section only: the page's other tables may name properties too.
		String page = Files.readString(CONFIGURATION);
		int start = page.indexOf("## Configuration reference");
		assertThat(start).as("'## Configuration reference' in %s", CONFIGURATION).isNotNegative();
		int end = page.indexOf("\n## ", start + 1);
		String reference = page.substring(start, (end != -1) ? end : page.length());
		Matcher matcher = DOCUMENTED_PROPERTY.matcher(reference);
		while (matcher.find()) {
			documented.add(matcher.group(1));
		}
		assertThat(generated).isNotEmpty();
		assertThat(documented).isEqualTo(generated);
	}

}
