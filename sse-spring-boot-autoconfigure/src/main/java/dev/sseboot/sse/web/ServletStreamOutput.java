package dev.sseboot.sse.web;

import java.io.IOException;
import java.util.function.Consumer;

import dev.sseboot.sse.broker.StreamOutput;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.DeferredResultProcessingInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Writes pre-rendered frames straight to the response in Servlet non-blocking mode, while
 * the {@link SseEmitter} runs the async request's lifecycle (start, timeout, completion).
 * <p>
 * {@code SseEmitter.send} would block a thread on every client whose socket is full and
 * run the message converters per recipient; here a client that stops reading costs no
 * thread, only its bounded queue, and the same bytes go to every recipient.
 * <p>
 * Where the container provides a {@link ClientConnection}, the output asks it whether the
 * client closed the connection, and aborts through it. Both stop once the response ends:
 * the container may then reuse the connection for the client's next request.
 */
final class ServletStreamOutput implements StreamOutput, WriteListener, DeferredResultProcessingInterceptor {

	private final SseEmitter emitter;

	private final HttpServletResponse response;

	private final @Nullable ClientConnection connection;

	/** Guards {@link #ended}: the container must not reuse the connection while asked about it. */
	private final Object connectionLock = new Object();

	private boolean ended;

	private volatile @Nullable ServletOutputStream out;

	/**
	 * Whether the container called back once: only then has the request thread left the
	 * filter chain, whose filters may still be setting headers until then.
	 */
	private volatile boolean started;

	private volatile Runnable writable = () -> {
	};

	private volatile Consumer<Throwable> failed = (ex) -> {
	};

	/** Written but not flushed because the connection was full; touched by the one writer. */
	private boolean unflushed;

	ServletStreamOutput(SseEmitter emitter, HttpServletResponse response, @Nullable ClientConnection connection) {
		this.emitter = emitter;
		this.response = response;
		this.connection = connection;
	}

	@Override
	public void listen(Runnable writable, Consumer<Throwable> failed) {
		this.writable = writable;
		this.failed = failed;
	}

	/**
	 * Switches the response to non-blocking mode once Spring MVC has started the async
	 * request: earlier, the container would refuse the listener.
	 */
	@Override
	public <T> void preProcess(NativeWebRequest request, DeferredResult<T> deferredResult) throws IOException {
		// The response is Spring MVC's async wrapper: once the container has ended the
		// request (timeout, error, completion), a late write fails with
		// AsyncRequestNotUsableException instead of reaching a recycled response.
		ServletOutputStream stream = this.response.getOutputStream();
		this.out = stream;
		stream.setWriteListener(this);
	}

	@Override
	public boolean isWritable() throws IOException {
		ServletOutputStream stream = this.out;
		if (!this.started || stream == null || !stream.isReady()) {
			return false;
		}
		if (this.unflushed) {
			try {
				stream.flush();
			}
			catch (IOException ex) {
				writeFailed();
				throw ex;
			}
			this.unflushed = false;
			return stream.isReady();
		}
		return true;
	}

	@Override
	public void write(byte[] frames) throws IOException {
		ServletOutputStream stream = this.out;
		if (stream == null) {
			throw new IllegalStateException("Write before the async request started");
		}
		try {
			stream.write(frames);
			// Flushing while the connection is full is not allowed in non-blocking mode.
			if (stream.isReady()) {
				stream.flush();
			}
			else {
				this.unflushed = true;
			}
		}
		catch (IOException ex) {
			writeFailed();
			throw ex;
		}
	}

	@Override
	public void complete() {
		end();
		this.emitter.complete();
	}

	@Override
	public void abort() {
		if (!end()) {
			return;
		}
		if (this.connection != null) {
			this.connection.abort();
		}
		else {
			this.emitter.complete();
		}
	}

	@Override
	public boolean isClosedByClient() {
		synchronized (this.connectionLock) {
			return !this.ended && this.connection != null && this.connection.isClosedByClient();
		}
	}

	/**
	 * Marks the response ended, waiting for a question to the connection under way.
	 * @return whether this call ended it
	 */
	private boolean end() {
		synchronized (this.connectionLock) {
			boolean wasEnded = this.ended;
			this.ended = true;
			return !wasEnded;
		}
	}

	/**
	 * Called by the container's thread when the request has ended, before the connection
	 * is reused or closed.
	 */
	@Override
	public <T> void afterCompletion(NativeWebRequest request, DeferredResult<T> deferredResult) {
		end();
	}

	@Override
	public void onWritePossible() {
		this.started = true;
		this.writable.run();
	}

	@Override
	public void onError(Throwable failure) {
		writeFailed();
		this.failed.accept(failure);
	}

	/** Ends the response after a failed write, where the container leaves that to us. */
	private void writeFailed() {
		if (end() && this.connection != null) {
			this.connection.writeFailed();
		}
	}

}
