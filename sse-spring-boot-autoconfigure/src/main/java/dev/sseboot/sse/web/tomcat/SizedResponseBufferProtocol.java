package dev.sseboot.sse.web.tomcat;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 protocol with a response buffer of a chosen size. Tomcat sizes the
 * buffer of every response by its protocol's desired buffer size, which only its AJP
 * protocol sets: otherwise 8 KB of bytes and 8 K characters (16 KB), which an open stream
 * holds for its whole life without writing a character.
 */
public class SizedResponseBufferProtocol extends Http11NioProtocol {

	private int responseBufferSize = -1;

	/**
	 * Sets the size of the response buffer.
	 * @param responseBufferSize the size in bytes, or -1 for Tomcat's default
	 */
	public void setResponseBufferSize(int responseBufferSize) {
		this.responseBufferSize = responseBufferSize;
	}

	@Override
	public int getDesiredBufferSize() {
		return this.responseBufferSize;
	}

}
