package dev.sseboot.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page in real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}). Screenshots land in {@code target/test-artifacts}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.short-token-ttl=6s", "sse.security.expiry-warning=3s", "demo.ticker-interval=200ms",
				"demo.notification-interval=300ms", "demo.position-interval=200ms" })
class DemoPageBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ChromeDriver browser;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() {
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
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void openPage() {
		browser.get("http://127.0.0.1:" + this.port + "/");
	}

	@AfterEach
	void saveScreenshot(TestInfo test) throws IOException {
		Path directory = Path.of("target", "test-artifacts");
		Files.createDirectories(directory);
		File screenshot = browser.getScreenshotAs(OutputType.FILE);
		Files.copy(screenshot.toPath(), directory.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
				StandardCopyOption.REPLACE_EXISTING);
	}

	@Test
	void showsEachUserOnlyTheirOwnNotifications() {
		awaitNumber("#notes-alice .received", 3);
		awaitNumber("#notes-bob .received", 3);
		assertThat(text("#notes-alice .log")).contains("Hello alice").doesNotContain("bob");
		assertThat(text("#notes-bob .log")).contains("Hello bob").doesNotContain("alice");
	}

	@Test
	void showsRefusalOfAChannelTheTokenDoesNotGrant() {
		click("#drones button[data-project='2']");
		awaitText("#drones .status", "403 FORBIDDEN");
		assertThat(text("#drones .log")).doesNotContain("position");
		click("#drones button[data-project='1']");
		awaitText("#drones .log", "position drone-1");
		assertThat(text("#drones .log")).doesNotContain("drone-2");
	}

	@Test
	void droppingAndRestoringTheConnectionLosesNoEvent() {
		awaitNumber("#resume .received", 3);
		click("#resume .drop");
		awaitNumber("#resume .drops", 1);
		awaitText("#resume .resume", "recovered");
		int afterResume = number("#resume .received");
		awaitNumber("#resume .received", afterResume + 5);
		assertThat(number("#resume .drops")).isEqualTo(1);
		assertThat(number("#resume .gaps")).isZero();
	}

	@Test
	void tokenExpiryAndRenewalLoseNoEvent() {
		awaitNumber("#expiry .renewals", 1);
		awaitText("#expiry .log", "token-expired");
		int afterRenewal = number("#expiry .received");
		awaitNumber("#expiry .received", afterRenewal + 5);
		assertThat(number("#expiry .warnings")).isPositive();
		assertThat(text("#expiry .log")).contains("resume=recovered");
		assertThat(number("#expiry .gaps")).isZero();
	}

	@Test
	void headerTokenClientReceivesEventsWithoutGaps() {
		awaitNumber("#header-client .received", 5);
		assertThat(text("#header-client .status")).isEqualTo("connected");
		assertThat(number("#header-client .gaps")).isZero();
	}

	private void awaitNumber(String selector, int atLeast) {
		new WebDriverWait(browser, WAIT).withMessage(() -> selector + " never reached " + atLeast + ": " + text(selector))
			.until((driver) -> number(selector) >= atLeast);
	}

	private void awaitText(String selector, String expected) {
		new WebDriverWait(browser, WAIT)
			.withMessage(() -> selector + " never showed '" + expected + "': " + text(selector) + "; page: "
					+ text("main"))
			.until((driver) -> text(selector).contains(expected));
	}

	private static WebElement element(String selector) {
		return browser.findElement(By.cssSelector(selector));
	}

	private static String text(String selector) {
		return element(selector).getText();
	}

	private static int number(String selector) {
		return Integer.parseInt(text(selector).trim());
	}

	private static void click(String selector) {
		element(selector).click();
	}

}
