package dev.sseboot.sample;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

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

	/** One browser for the class, started with it and closed after its last test. */
	@AutoClose
	private static final HeadlessChromium browser = new HeadlessChromium();

	@LocalServerPort
	int port;

	@BeforeEach
	void openPage() {
		browser.open("http://127.0.0.1:" + this.port + "/");
	}

	@AfterEach
	void saveScreenshot(TestInfo test) throws IOException {
		browser.screenshot(test.getTestMethod().orElseThrow().getName());
	}

	@Test
	void showsEachUserOnlyTheirOwnNotifications() {
		browser.awaitNumber("#notes-alice .received", 3);
		browser.awaitNumber("#notes-bob .received", 3);
		assertThat(browser.text("#notes-alice .log")).contains("Hello alice").doesNotContain("bob");
		assertThat(browser.text("#notes-bob .log")).contains("Hello bob").doesNotContain("alice");
	}

	@Test
	void showsRefusalOfAChannelTheTokenDoesNotGrant() {
		browser.click("#drones button[data-project='2']");
		browser.awaitText("#drones .status", "403 FORBIDDEN");
		assertThat(browser.text("#drones .log")).doesNotContain("position");
		browser.click("#drones button[data-project='1']");
		browser.awaitText("#drones .log", "position drone-1");
		assertThat(browser.text("#drones .log")).doesNotContain("drone-2");
	}

	@Test
	void drawsTheWatchedDronesMovingOnTheMap() {
		browser.click("#drones button[data-project='1']");
		browser.awaitNumber("#drones .received", 1);
		String drone = "#drones .map circle[data-drone='drone-1']";
		String x = browser.attribute(drone, "cx");
		browser.awaitAttributeOtherThan(drone, "cx", x);
		assertThat(browser.count("#drones .map circle.drone")).isEqualTo(1);
		assertThat(browser.attribute("#drones .map polyline.project-1", "points").split(" ")).hasSizeGreaterThan(1);
	}

	@Test
	void numbersLogLinesPastNineWhole() {
		browser.awaitNumber("#resume .received", 12);
		assertThat(browser.count("#resume .log li")).isGreaterThan(9);
		// Markers inside the list's box: "10." is never clipped to "0." by the panel's edge.
		assertThat(browser.style("#resume .log", "list-style-position")).isEqualTo("inside");
	}

	@Test
	void droppingAndRestoringTheConnectionLosesNoEvent() {
		browser.awaitNumber("#resume .received", 3);
		browser.click("#resume .drop");
		browser.awaitNumber("#resume .drops", 1);
		browser.awaitText("#resume .resume", "recovered");
		int afterResume = browser.number("#resume .received");
		browser.awaitNumber("#resume .received", afterResume + 5);
		assertThat(browser.number("#resume .drops")).isEqualTo(1);
		assertThat(browser.number("#resume .gaps")).isZero();
	}

	@Test
	void tokenExpiryAndRenewalLoseNoEvent() {
		browser.awaitNumber("#expiry .renewals", 1);
		// The client renews on the warning, before the server would close with token-expired.
		browser.awaitText("#expiry .log", "token-renewal");
		int afterRenewal = browser.number("#expiry .received");
		browser.awaitNumber("#expiry .received", afterRenewal + 5);
		assertThat(browser.number("#expiry .warnings")).isPositive();
		assertThat(browser.text("#expiry .log")).contains("resume=recovered");
		assertThat(browser.number("#expiry .gaps")).isZero();
		assertThat(browser.text("#expiry .log")).doesNotContain("token-expired");
	}

	@Test
	void showsTheStartersOwnFiguresLive() {
		browser.awaitNumber("#figures .streams", 5);
		browser.awaitNumber("#figures .delivered", 20);
		browser.awaitText("#figures .resumes", "none");
		assertThat(browser.number("#figures .published")).isPositive();
		assertThat(browser.number("#figures .users")).isGreaterThanOrEqualTo(5);
	}

	@Test
	void showsWhoIsInTheRoomAsUsersJoinAndLeave() {
		browser.click("#room-ann .join");
		browser.awaitExactText("#room-ann .members", "ann");
		browser.click("#room-ben .join");
		// Ben starts from the application's members event, Ann hears Ben's sse-join.
		browser.awaitExactText("#room-ben .members", "ann, ben");
		browser.awaitExactText("#room-ann .members", "ann, ben");
		assertThat(browser.text("#room-ann .log")).contains("sse-join ben");
		browser.click("#room-ben .leave");
		// Once the server notices that Ben's stream went (sse.connection.close-check-interval).
		browser.awaitExactText("#room-ann .members", "ann");
		assertThat(browser.text("#room-ann .log")).contains("sse-leave ben");
		assertThat(browser.number("#room-ann .count")).isEqualTo(1);
		browser.click("#room-ann .leave");
	}

	@Test
	void headerTokenClientReceivesEventsWithoutGaps() {
		browser.awaitNumber("#header-client .received", 5);
		assertThat(browser.text("#header-client .status")).isEqualTo("connected");
		assertThat(browser.number("#header-client .gaps")).isZero();
	}

}
