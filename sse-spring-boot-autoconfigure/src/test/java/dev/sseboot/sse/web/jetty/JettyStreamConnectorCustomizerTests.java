package dev.sseboot.sse.web.jetty;

import dev.sseboot.sse.control.jetty.JettyControlConnectorCustomizer;
import dev.sseboot.sse.web.ConnectionLimits;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class JettyStreamConnectorCustomizerTests {

	@Test
	void limitsConnectionsBelowTheOpenFileLimitAndRaisesTheAcceptQueue() {
		JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
		new JettyStreamConnectorCustomizer(new MockEnvironment(), 20_000).customize(factory);
		assertThat(factory.getMaxConnections()).isEqualTo(18_000);
		assertThat(customizedConnector(factory, "http").getAcceptQueueSize()).isEqualTo(ConnectionLimits.ACCEPT_QUEUE);
	}

	@Test
	void leavesTheControlConnectorsQueueAndWhatTheApplicationSets() {
		JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
		factory.setMaxConnections(500);
		new JettyStreamConnectorCustomizer(
				new MockEnvironment().withProperty("server.jetty.max-connections", "500"), 20_000)
			.customize(factory);
		assertThat(factory.getMaxConnections()).isEqualTo(500);
		assertThat(customizedConnector(factory, JettyControlConnectorCustomizer.NAME).getAcceptQueueSize()).isZero();
	}

	private static ServerConnector customizedConnector(JettyServletWebServerFactory factory, String name) {
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setName(name);
		server.addConnector(connector);
		factory.getServerCustomizers().forEach((customizer) -> customizer.customize(server));
		return connector;
	}

}
