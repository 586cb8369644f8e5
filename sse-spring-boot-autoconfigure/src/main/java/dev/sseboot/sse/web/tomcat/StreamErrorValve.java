package dev.sseboot.sse.web.tomcat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.StreamPath;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Answers what Tomcat refuses on the stream path before the application sees it (an
 * oversized header, two {@code Host} headers) with the starter's JSON body. It sits after
 * the host's error report valve, so it answers first on the way out and leaves every
 * other path to that valve, configured as Spring Boot configured it.
 */
final class StreamErrorValve extends ValveBase {

	private final StreamPath streamPath;

	private final SseErrorResponder errors;

	StreamErrorValve(StreamPath streamPath, SseErrorResponder errors) {
		super(true);
		this.streamPath = streamPath;
		this.errors = errors;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		getNext().invoke(request, response);
		if (response.isCommitted() || response.getStatus() < 400 || response.getContentWritten() > 0
				|| (request.isAsync() && !request.isAsyncCompleting())
				|| !this.streamPath.matches(request.getRequestURI())) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		// Only a refusal not yet answered: Tomcat marks it reported once answered.
		if (!ioAllowed.get() || !response.setErrorReported()) {
			return;
		}
		response.setSuspended(false);
		try {
			this.errors.write(response, response.getStatus());
		}
		catch (IOException ex) {
			// The client is gone: there is no one to tell.
		}
	}

}
