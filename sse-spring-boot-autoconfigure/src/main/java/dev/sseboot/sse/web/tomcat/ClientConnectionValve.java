package dev.sseboot.sse.web.tomcat;

import java.io.IOException;

import dev.sseboot.sse.web.ClientConnection;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Gives every request for the stream endpoint its {@link ClientConnection}.
 */
final class ClientConnectionValve extends ValveBase {

	private final String streamPath;

	/**
	 * Creates the valve.
	 * @param streamPath the stream endpoint's path, context path included
	 */
	ClientConnectionValve(String streamPath) {
		super(true);
		this.streamPath = streamPath;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		// Tomcat's decoded URI is normalized: no path parameters, dot segments or double slashes.
		if (!this.streamPath.equals(request.getDecodedRequestURI())) {
			getNext().invoke(request, response);
			return;
		}
		TomcatClientConnection connection = new TomcatClientConnection(request);
		request.setAttribute(ClientConnection.ATTRIBUTE, connection);
		try {
			getNext().invoke(request, response);
		}
		finally {
			if (!request.isAsyncStarted()) {
				// Refused, or the async start failed: nothing will ask this request again.
				connection.end();
			}
		}
	}

}
