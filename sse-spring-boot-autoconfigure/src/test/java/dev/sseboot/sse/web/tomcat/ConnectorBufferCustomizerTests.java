package dev.sseboot.sse.web.tomcat;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.Response;
import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorBufferCustomizerTests {

	@Test
	void sizesEveryResponseBufferAndTheSocketBuffersItIsGiven() {
		Connector connector = customizedConnector(new ConnectorBufferCustomizer(DataSize.ofKilobytes(1),
				DataSize.ofBytes(1536), DataSize.ofKilobytes(4)), SizedResponseBufferProtocol.class.getName());
		assertThat(connector.createResponse(new Response()).getBufferSize()).isEqualTo(1024);
		assertThat(connector.getProperty("socket.appReadBufSize")).isEqualTo("1536");
		assertThat(connector.getProperty("socket.appWriteBufSize")).isEqualTo("4096");
	}

	@Test
	void leavesTomcatsSizesWhenNoneIsSet() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		new ConnectorBufferCustomizer(null, null, null).customize(factory);
		assertThat(factory.getProtocol()).isEqualTo(TomcatWebServerFactory.DEFAULT_PROTOCOL);
		Connector connector = customizedConnector(new ConnectorBufferCustomizer(null, null, null),
				TomcatWebServerFactory.DEFAULT_PROTOCOL);
		assertThat(connector.createResponse(new Response()).getBufferSize()).isEqualTo(8192);
		assertThat(connector.getProperty("socket.appReadBufSize")).isEqualTo("8192");
	}

	@Test
	void leavesAProtocolTheApplicationChoseAlone() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		factory.setProtocol("org.apache.coyote.http11.Http11Nio2Protocol");
		new ConnectorBufferCustomizer(DataSize.ofKilobytes(1), null, null).customize(factory);
		assertThat(factory.getProtocol()).isEqualTo("org.apache.coyote.http11.Http11Nio2Protocol");
	}

	@SuppressWarnings("unchecked")
	private static Connector customizedConnector(ConnectorBufferCustomizer customizer, String expectedProtocol) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		customizer.customize(factory);
		assertThat(factory.getProtocol()).isEqualTo(expectedProtocol);
		Connector connector = new Connector(factory.getProtocol());
		for (TomcatProtocolHandlerCustomizer<?> candidate : factory.getProtocolHandlerCustomizers()) {
			((TomcatProtocolHandlerCustomizer<ProtocolHandler>) candidate).customize(connector.getProtocolHandler());
		}
		factory.getConnectorCustomizers().forEach((candidate) -> candidate.customize(connector));
		return connector;
	}

}
