package dev.sseboot.sse.web.tomcat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sseboot.sse.web.SseErrorResponder;
import dev.sseboot.sse.web.StreamPath;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error report, except for the stream endpoint: requests that Tomcat refuses
 * before they reach the application (an oversized header, a malformed request line) get
 * the starter's JSON body there instead of Tomcat's HTML page.
 */
public final class StreamErrorReportValve extends ErrorReportValve {

	private final StreamPath streamPath;

	private final SseErrorResponder errors;

	StreamErrorReportValve(StreamPath streamPath, SseErrorResponder errors) {
		this.streamPath = streamPath;
		this.errors = errors;
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		if (response.getStatus() < 400 || response.getContentWritten() > 0
				|| !this.streamPath.matches(request.getRequestURI())) {
			super.report(request, response, throwable);
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get() || !response.setErrorReported()) {
			return;
		}
		try {
			this.errors.write(response, response.getStatus());
			response.finishResponse();
		}
		catch (IOException ex) {
			// The client is gone: there is no one to tell.
		}
	}

}
