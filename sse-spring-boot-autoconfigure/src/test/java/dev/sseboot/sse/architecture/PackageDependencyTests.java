package dev.sseboot.sse.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The starter's packages depend on each other one way, and the Redis adapter is a plug-in
 * that only the auto-configuration wires.
 */
class PackageDependencyTests {

	private static final JavaClasses STARTER = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages("dev.sseboot.sse");

	@Test
	void hasNoCycleBetweenPackages() {
		slices().matching("dev.sseboot.sse.(**)").should().beFreeOfCycles().check(STARTER);
	}

	@Test
	void hasNoCycleBetweenConcerns() {
		slices().matching("dev.sseboot.sse.(*)..").should().beFreeOfCycles().check(STARTER);
	}

	@Test
	void leavesTheRedisAdapterToTheAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackages("dev.sseboot.sse.cluster.redis..", "dev.sseboot.sse.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sseboot.sse.cluster.redis..")
			.check(STARTER);
	}

	@Test
	void keepsTheAutoConfigurationOutOfTheLibrary() {
		noClasses().that()
			.resideOutsideOfPackage("dev.sseboot.sse.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sseboot.sse.autoconfigure..")
			.check(STARTER);
	}

}
