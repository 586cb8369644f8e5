package dev.sseboot.sse.web.tomcat;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.util.unit.DataSize;

/**
 * Sets the buffer sizes of Tomcat's connector that every open stream holds for its whole
 * life ({@code sse.tomcat.*}): the response buffer, and the socket's read and write
 * buffers. Only those the application sets: each applies to every request.
 */
public final class ConnectorBufferCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	private static final Log logger = LogFactory.getLog(ConnectorBufferCustomizer.class);

	private final @Nullable DataSize responseBufferSize;

	private final @Nullable DataSize socketReadBufferSize;

	private final @Nullable DataSize socketWriteBufferSize;

	/**
	 * Creates the customizer.
	 * @param responseBufferSize the size of each response's buffer, or {@code null}
	 * @param socketReadBufferSize the size of each connection's read buffer, or {@code null}
	 * @param socketWriteBufferSize the size of each connection's write buffer, or
	 * {@code null}
	 */
	public ConnectorBufferCustomizer(@Nullable DataSize responseBufferSize, @Nullable DataSize socketReadBufferSize,
			@Nullable DataSize socketWriteBufferSize) {
		this.responseBufferSize = responseBufferSize;
		this.socketReadBufferSize = socketReadBufferSize;
		this.socketWriteBufferSize = socketWriteBufferSize;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		DataSize responseBuffer = this.responseBufferSize;
		if (responseBuffer != null) {
			if (TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(factory.getProtocol())) {
				factory.setProtocol(SizedResponseBufferProtocol.class.getName());
				factory.addProtocolHandlerCustomizers((handler) -> {
					if (handler instanceof SizedResponseBufferProtocol protocol) {
						protocol.setResponseBufferSize((int) responseBuffer.toBytes());
					}
				});
			}
			else {
				logger.warn("sse.tomcat.response-buffer-size is ignored: the application chose Tomcat's protocol "
						+ factory.getProtocol());
			}
		}
		factory.addConnectorCustomizers((connector) -> {
			if (this.socketReadBufferSize != null) {
				connector.setProperty("socket.appReadBufSize", Long.toString(this.socketReadBufferSize.toBytes()));
			}
			if (this.socketWriteBufferSize != null) {
				connector.setProperty("socket.appWriteBufSize", Long.toString(this.socketWriteBufferSize.toBytes()));
			}
		});
	}

}
