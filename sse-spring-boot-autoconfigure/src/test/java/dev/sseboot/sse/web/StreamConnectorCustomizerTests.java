package dev.sseboot.sse.web;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class StreamConnectorCustomizerTests {

	@Test
	void raisesConnectionLimitAndAcceptQueueWhenTheApplicationSetsNeither() {
		AbstractProtocol<?> protocol = customizedProtocol(new MockEnvironment());
		assertThat(protocol.getMaxConnections()).isEqualTo(StreamConnectorCustomizer.MAX_CONNECTIONS);
		assertThat(protocol.getAcceptCount()).isEqualTo(StreamConnectorCustomizer.ACCEPT_COUNT);
	}

	@Test
	void leavesWhatTheApplicationSets() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "500")
			.withProperty("server.tomcat.accept-count", "50");
		AbstractProtocol<?> protocol = customizedProtocol(environment);
		assertThat(protocol.getMaxConnections()).isEqualTo(8192);
		assertThat(protocol.getAcceptCount()).isEqualTo(100);
	}

	private static AbstractProtocol<?> customizedProtocol(MockEnvironment environment) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		new StreamConnectorCustomizer(environment).customize(factory);
		Connector connector = new Connector();
		factory.getConnectorCustomizers().forEach((customizer) -> customizer.customize(connector));
		return (AbstractProtocol<?>) connector.getProtocolHandler();
	}

}
