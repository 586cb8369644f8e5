package dev.sseboot.sse.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Buffer sizes of embedded Tomcat, which every open stream holds for its whole life:
 * smaller ones cut the memory of a stream. Each applies to every connection and request
 * of the application, not only to streams, so none is set unless the application sets
 * it.
 */
@ConfigurationProperties("sse.tomcat")
public class SseTomcatProperties {

	/**
	 * Size of the response buffer of each request, Tomcat's 8KB unless set. A request
	 * holds three times as much (bytes and characters); a response larger than it is
	 * sent in chunks.
	 */
	private @Nullable DataSize responseBufferSize;

	/**
	 * Size of the buffer each connection reads its socket into, Tomcat's 8KB unless
	 * set.
	 */
	private @Nullable DataSize socketReadBufferSize;

	/**
	 * Size of the buffer each connection writes its socket from, Tomcat's 8KB unless
	 * set.
	 */
	private @Nullable DataSize socketWriteBufferSize;

	public @Nullable DataSize getResponseBufferSize() {
		return this.responseBufferSize;
	}

	public void setResponseBufferSize(@Nullable DataSize responseBufferSize) {
		this.responseBufferSize = positive(responseBufferSize, "sse.tomcat.response-buffer-size");
	}

	public @Nullable DataSize getSocketReadBufferSize() {
		return this.socketReadBufferSize;
	}

	public void setSocketReadBufferSize(@Nullable DataSize socketReadBufferSize) {
		this.socketReadBufferSize = positive(socketReadBufferSize, "sse.tomcat.socket-read-buffer-size");
	}

	public @Nullable DataSize getSocketWriteBufferSize() {
		return this.socketWriteBufferSize;
	}

	public void setSocketWriteBufferSize(@Nullable DataSize socketWriteBufferSize) {
		this.socketWriteBufferSize = positive(socketWriteBufferSize, "sse.tomcat.socket-write-buffer-size");
	}

	private static @Nullable DataSize positive(@Nullable DataSize size, String property) {
		Assert.isTrue(size == null || (size.toBytes() > 0 && size.toBytes() <= Integer.MAX_VALUE),
				property + " must be positive");
		return size;
	}

}
