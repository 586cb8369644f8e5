package dev.sseboot.sse.web.jetty;

import java.io.IOException;
import java.time.Duration;

import dev.sseboot.sse.web.ClientConnection;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every HTTP/1.x request for the stream endpoint its {@link ClientConnection}, and
 * keeps Jetty from closing a quiet stream's connection as idle: its idle timeout is raised
 * to three heartbeat intervals, so only a client that stopped reading for that long is cut.
 * Registered for the stream path only, ahead of every other filter.
 */
public final class JettyClientConnectionFilter extends OncePerRequestFilter implements Ordered {

	/** Ahead of the security filter chain, as Tomcat's valve is. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private final long idleTimeoutMillis;

	/**
	 * Creates the filter.
	 * @param heartbeatInterval the silence after which a stream gets a heartbeat
	 */
	public JettyClientConnectionFilter(Duration heartbeatInterval) {
		this.idleTimeoutMillis = heartbeatInterval.multipliedBy(3).toMillis();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
		if (jettyRequest != null) {
			ConnectionMetaData metaData = jettyRequest.getConnectionMetaData();
			HttpVersion version = metaData.getHttpVersion();
			// Over HTTP/2 the connection carries other streams: it is neither read nor closed.
			if (version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0) {
				Connection connection = metaData.getConnection();
				EndPoint endPoint = connection.getEndPoint();
				if (endPoint.getIdleTimeout() > 0 && endPoint.getIdleTimeout() < this.idleTimeoutMillis) {
					endPoint.setIdleTimeout(this.idleTimeoutMillis);
				}
				request.setAttribute(ClientConnection.ATTRIBUTE, new JettyClientConnection(connection, request));
			}
		}
		chain.doFilter(request, response);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
