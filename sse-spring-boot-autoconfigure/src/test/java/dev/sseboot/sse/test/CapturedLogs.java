package dev.sseboot.sse.test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Takes the log lines of some loggers out of the console for each test and keeps them for
 * its assertions: failures a test provokes on purpose are checked, not printed, so that a
 * stack trace in the build's log means something went wrong.
 * <pre class="code">
 * &#64;RegisterExtension
 * CapturedLogs logs = CapturedLogs.of(TokenAuthenticationManager.class);
 * </pre>
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {

	private final List<String> loggerNames;

	private final List<Attached> attached = new ArrayList<>();

	private CapturedLogs(List<String> loggerNames) {
		this.loggerNames = loggerNames;
	}

	/**
	 * Captures the loggers of some classes.
	 * @param classes the classes
	 * @return the extension
	 */
	public static CapturedLogs of(Class<?>... classes) {
		List<String> names = new ArrayList<>();
		for (Class<?> type : classes) {
			names.add(type.getName());
		}
		return new CapturedLogs(names);
	}

	/**
	 * Captures loggers by name.
	 * @param names the logger names
	 * @return the extension
	 */
	public static CapturedLogs named(String... names) {
		return new CapturedLogs(List.of(names));
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		LoggerContext loggers = (LoggerContext) LoggerFactory.getILoggerFactory();
		for (String name : this.loggerNames) {
			Logger logger = loggers.getLogger(name);
			ListAppender<ILoggingEvent> appender = new ListAppender<>();
			appender.setContext(loggers);
			appender.start();
			this.attached.add(new Attached(logger, appender, logger.isAdditive()));
			logger.addAppender(appender);
			logger.setAdditive(false);
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		for (Attached each : this.attached) {
			each.logger().detachAppender(each.appender());
			each.logger().setAdditive(each.additive());
			each.appender().stop();
		}
		this.attached.clear();
	}

	/**
	 * Returns what was logged since the test began: each line's level, message and stack
	 * trace.
	 * @return the text
	 */
	public String text() {
		return this.attached.stream()
			.flatMap((each) -> List.copyOf(each.appender().list).stream())
			.map(CapturedLogs::render)
			.collect(Collectors.joining("\n"));
	}

	private static String render(ILoggingEvent event) {
		String line = event.getLevel() + " " + event.getFormattedMessage();
		return (event.getThrowableProxy() != null)
				? line + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()) : line;
	}

	private record Attached(Logger logger, ListAppender<ILoggingEvent> appender, boolean additive) {
	}

}
