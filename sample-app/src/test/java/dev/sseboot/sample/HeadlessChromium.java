package dev.sseboot.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's Chromium, headless, driven through its ChromeDriver, with the waits and reads
 * the page tests use. Screenshots land in {@code target/test-artifacts}.
 */
final class HeadlessChromium implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Selenium warns, on every start, that it has no DevTools (CDP) module for this Chromium:
	 * these tests use WebDriver only. Held here: JUL keeps its loggers weakly.
	 */
	private static final List<Logger> QUIET = Stream
		.of("org.openqa.selenium.devtools.CdpVersionFinder", "org.openqa.selenium.chromium.ChromiumDriver")
		.map(Logger::getLogger)
		.peek((logger) -> logger.setLevel(Level.SEVERE))
		.toList();

	private final ChromeDriver driver;

	HeadlessChromium() {
		String chromium = System.getProperty("chromium.binary", "/usr/bin/chromium");
		String chromedriver = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
		assertThat(new File(chromium)).as("Chromium (apt-get install chromium)").canRead();
		assertThat(new File(chromedriver)).as("ChromeDriver (apt-get install chromium-driver)").canRead();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-dev-shm-usage", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1400,1300");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
	}

	void open(String url) {
		this.driver.get(url);
	}

	void reload() {
		this.driver.navigate().refresh();
	}

	/** Runs a script in the page; its {@code return} value comes back as Selenium maps it (lists, maps, longs). */
	@Nullable Object script(String script, Object... arguments) {
		return this.driver.executeScript(script, arguments);
	}

	/** Waits until a script returns {@code true}. */
	void awaitScript(String description, String script, Object... arguments) {
		new WebDriverWait(this.driver, WAIT).withMessage(() -> description + " never happened")
			.until((driver) -> Boolean.TRUE.equals(script(script, arguments)));
	}

	void screenshot(String name) throws IOException {
		Path directory = Path.of("target", "test-artifacts");
		Files.createDirectories(directory);
		File screenshot = this.driver.getScreenshotAs(OutputType.FILE);
		Files.copy(screenshot.toPath(), directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	void awaitNumber(String selector, int atLeast) {
		new WebDriverWait(this.driver, WAIT)
			.withMessage(() -> selector + " never reached " + atLeast + ": " + text(selector))
			.until((driver) -> number(selector) >= atLeast);
	}

	void awaitText(String selector, String expected) {
		new WebDriverWait(this.driver, WAIT)
			.withMessage(() -> selector + " never showed '" + expected + "': " + text(selector) + "; page: "
					+ text("main"))
			.until((driver) -> text(selector).contains(expected));
	}

	void awaitExactText(String selector, String expected) {
		new WebDriverWait(this.driver, WAIT)
			.withMessage(() -> selector + " never showed exactly '" + expected + "': " + text(selector) + "; page: "
					+ text("main"))
			.until((driver) -> text(selector).equals(expected));
	}

	void awaitTextOtherThan(String selector, String old) {
		new WebDriverWait(this.driver, WAIT)
			.withMessage(() -> selector + " still showed '" + old + "'; page: " + text("main"))
			.until((driver) -> !text(selector).equals(old) && !text(selector).equals("-"));
	}

	String attribute(String selector, String name) {
		return element(selector).getDomAttribute(name);
	}

	void awaitAttributeOtherThan(String selector, String name, String old) {
		new WebDriverWait(this.driver, WAIT)
			.withMessage(() -> selector + " kept " + name + "=" + old)
			.until((driver) -> !old.equals(attribute(selector, name)));
	}

	String style(String selector, String property) {
		return element(selector).getCssValue(property);
	}

	int count(String selector) {
		return this.driver.findElements(By.cssSelector(selector)).size();
	}

	String text(String selector) {
		return element(selector).getText();
	}

	int number(String selector) {
		return Integer.parseInt(text(selector).trim());
	}

	void click(String selector) {
		element(selector).click();
	}

	private WebElement element(String selector) {
		return this.driver.findElement(By.cssSelector(selector));
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
