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
 * Keeps the README's configuration reference true to the generated metadata.
 */
class ReadmeConfigurationReferenceTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	private static final Pattern DOCUMENTED_PROPERTY = Pattern.compile("^\\| `((?:sse|management\\.endpoint\\.sse)\\.[a-z0-9.-]+)` \\|",
			Pattern.MULTILINE);

	@Test
	void readmeDocumentsEveryPropertyAndNoOther() throws IOException {
		Set<String> generated = new TreeSet<>();
		JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
		for (JsonNode property : metadata.get("properties")) {
			generated.add(property.get("name").asString());
		}
		Set<String> documented = new TreeSet<>();
		// The reference section only: the meters' table names meters, not properties.
		String readme = Files.readString(README);
		int start = readme.indexOf("## Configuration reference");
		String reference = readme.substring(start, readme.indexOf("\n## ", start + 1));
		Matcher matcher = DOCUMENTED_PROPERTY.matcher(reference);
		while (matcher.find()) {
			documented.add(matcher.group(1));
		}
		assertThat(generated).isNotEmpty();
		assertThat(documented).isEqualTo(generated);
	}

}
