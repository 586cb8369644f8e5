package dev.sseboot.sse.web.tomcat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Request;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

/**
 * Makes the close of a request's connection a reset ({@code SO_LINGER} 0): what the kernel
 * still holds for a client that stopped reading is dropped at once, instead of waiting for
 * it for minutes in {@code FIN_WAIT1}. Only for connections that lose data anyway, such as
 * a dropped slow consumer's.
 * <p>
 * Tomcat does not expose a request's socket: it is read from the request's processor and
 * its socket wrapper, two fields of Tomcat's own, found once. Where they are not (another
 * Tomcat, the NIO2 connector) nothing is reset and the connection closes as before.
 */
final class SocketReset {

	private static final Log logger = LogFactory.getLog(SocketReset.class);

	private static final @Nullable VarHandle HOOK = field(Request.class, "hook");

	private static final @Nullable VarHandle SOCKET_WRAPPER = field(AbstractProcessor.class, "socketWrapper");

	private SocketReset() {
	}

	/**
	 * Resets the connection of a request when it is next closed.
	 * @param request the request
	 */
	static void onClose(Request request) {
		if (HOOK == null || SOCKET_WRAPPER == null) {
			return;
		}
		// HTTP/1.1 only: an HTTP/2 stream's processor holds the whole connection's socket.
		if (HOOK.get(request) instanceof Http11Processor processor
				&& SOCKET_WRAPPER.get(processor) instanceof SocketWrapperBase<?> wrapper
				&& wrapper.getSocket() instanceof NioChannel channel) {
			SocketChannel socket = channel.getIOChannel();
			try {
				if (socket != null && socket.isOpen()) {
					socket.setOption(StandardSocketOptions.SO_LINGER, 0);
				}
			}
			catch (IOException | RuntimeException ex) {
				// Closing anyway: a plain close then.
				logger.debug("Could not reset the connection: " + ex);
			}
		}
	}

	private static @Nullable VarHandle field(Class<?> type, String name) {
		try {
			return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
				.findVarHandle(type, name, type.getDeclaredField(name).getType());
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("Connections of dropped streams close without a reset: " + ex);
			return null;
		}
	}

}
