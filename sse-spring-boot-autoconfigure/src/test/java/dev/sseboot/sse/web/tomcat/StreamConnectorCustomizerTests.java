package dev.sseboot.sse.web.tomcat;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.sseboot.sse.web.ConnectionLimits;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class StreamConnectorCustomizerTests {

	@Test
	void raisesConnectionLimitAndAcceptQueueWhenTheApplicationSetsNeither() {
		AbstractProtocol<?> protocol = customizedProtocol(new StreamConnectorCustomizer(new MockEnvironment(), 1_048_576));
		assertThat(protocol.getMaxConnections()).isEqualTo(ConnectionLimits.MAX_CONNECTIONS);
		assertThat(protocol.getAcceptCount()).isEqualTo(ConnectionLimits.ACCEPT_QUEUE);
	}

	@Test
	void keepsTheConnectionLimitBelowTheOpenFileLimit(CapturedOutput output) {
		AbstractProtocol<?> protocol = customizedProtocol(new StreamConnectorCustomizer(new MockEnvironment(), 20_000));
		assertThat(protocol.getMaxConnections()).isEqualTo(18_000);
		assertThat(output).contains("Tomcat accepts at most 18000 connections (open-file limit 20000)");
		// Below Tomcat's own default too: a process allowed 1024 files cannot hold 8192 connections.
		assertThat(customizedProtocol(new StreamConnectorCustomizer(new MockEnvironment(), 1024)).getMaxConnections())
			.isEqualTo(768);
		assertThat(output).contains("Tomcat accepts at most 768 connections (open-file limit 1024), fewer than "
				+ "Tomcat's default of 8192: raise the open-file limit");
		assertThat(ConnectionLimits.maxConnections(-1)).isEqualTo(ConnectionLimits.MAX_CONNECTIONS);
	}

	@Test
	void readsTheOpenFileLimitOfThisProcess() {
		AbstractProtocol<?> protocol = customizedProtocol(new StreamConnectorCustomizer(new MockEnvironment()));
		long openFileLimit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getMaxFileDescriptorCount();
		assertThat(protocol.getMaxConnections()).isLessThan((int) Math.min(Integer.MAX_VALUE, openFileLimit))
			.isEqualTo(ConnectionLimits.maxConnections(openFileLimit));
	}

	@Test
	void leavesWhatTheApplicationSets() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "500")
			.withProperty("server.tomcat.accept-count", "50");
		AbstractProtocol<?> protocol = customizedProtocol(new StreamConnectorCustomizer(environment, 1024));
		assertThat(protocol.getMaxConnections()).isEqualTo(8192);
		assertThat(protocol.getAcceptCount()).isEqualTo(100);
	}

	private static AbstractProtocol<?> customizedProtocol(StreamConnectorCustomizer customizer) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		customizer.customize(factory);
		Connector connector = new Connector();
		factory.getConnectorCustomizers().forEach((candidate) -> candidate.customize(connector));
		return (AbstractProtocol<?>) connector.getProtocolHandler();
	}

}
