package dev.sseboot.sse.web.jetty;

import java.nio.ByteBuffer;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.StreamPath;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses on the stream path before the application sees it (an
 * oversized header, an ambiguous path, a control character in a header) with the
 * starter's JSON body, and leaves every other path to the server's own error handler.
 * Jetty's refusals of a request line it could not read carry no path, and stay Jetty's.
 */
final class StreamErrorHandler implements Request.Handler {

	private final Request.Handler delegate;

	private final StreamPath streamPath;

	private final SseErrorResponder errors;

	StreamErrorHandler(Request.Handler delegate, StreamPath streamPath, SseErrorResponder errors) {
		this.delegate = delegate;
		this.streamPath = streamPath;
		this.errors = errors;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		int status = (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException failure) ? failure.getCode() : response.getStatus();
		if (status < 400 || HttpStatus.hasNoBody(status) || !this.streamPath.matches(request.getHttpURI().getPath())) {
			return this.delegate.handle(request, response, callback);
		}
		response.setStatus(status);
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
		if (SseErrorCode.forStatus(status) == SseErrorCode.METHOD_NOT_ALLOWED) {
			response.getHeaders().put(HttpHeader.ALLOW, "GET");
		}
		response.write(true, ByteBuffer.wrap(this.errors.refusalBody(status)), callback);
		return true;
	}

	@Override
	public InvocationType getInvocationType() {
		return this.delegate.getInvocationType();
	}

}
