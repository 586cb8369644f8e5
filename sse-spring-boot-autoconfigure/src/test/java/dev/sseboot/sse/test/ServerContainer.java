package dev.sseboot.sse.test;

import org.apache.coyote.AbstractProtocol;
import org.eclipse.jetty.server.AbstractConnector;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * The embedded server the suite runs on: Tomcat in the default test execution, Jetty in
 * the second (the build leaves the other off the classpath), and what tells them apart.
 */
public enum ServerContainer {

	TOMCAT, JETTY;

	/** The server of this run. */
	public static final ServerContainer CURRENT = ClassUtils
		.isPresent("org.springframework.boot.tomcat.TomcatWebServer", null) ? TOMCAT : JETTY;

	/**
	 * Returns the status the server answers a header section over its limit with.
	 * @return 400 on Tomcat, 431 on Jetty
	 */
	public int headersTooLarge() {
		return (this == TOMCAT) ? 400 : 431;
	}

	/**
	 * Returns the status the server answers a request line over its limit with.
	 * @return 400 on Tomcat, 414 on Jetty
	 */
	public int requestLineTooLong() {
		return (this == TOMCAT) ? 400 : 414;
	}

	/**
	 * Returns the connections the application's connector holds (Tomcat: and one its
	 * acceptor may have reserved for the next).
	 * @param context the application
	 * @return the connections
	 */
	public static int connections(ApplicationContext context) {
		WebServer server = ((WebServerApplicationContext) context).getWebServer();
		return (CURRENT == TOMCAT) ? Tomcat.connections(server) : Jetty.connections(server);
	}

	private static final class Tomcat {

		static int connections(WebServer server) {
			return (int) ((AbstractProtocol<?>) ((TomcatWebServer) server).getTomcat()
				.getConnector()
				.getProtocolHandler()).getConnectionCount();
		}

	}

	private static final class Jetty {

		static int connections(WebServer server) {
			return ((AbstractConnector) ((JettyWebServer) server).getServer().getConnectors()[0]).getConnectedEndPoints()
				.size();
		}

	}

}
