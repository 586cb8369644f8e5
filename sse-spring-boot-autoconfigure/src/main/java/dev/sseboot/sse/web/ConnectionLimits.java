package dev.sseboot.sse.web;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;
import org.apache.commons.logging.Log;

/**
 * The connection limit and accept queue the starter gives the embedded server (Tomcat or
 * Jetty) for long-lived streams, where the application does not set them. With Tomcat's
 * defaults a node holds at most 8192 connections, streams included; Jetty's accept queue
 * is the JDK's 50; a reconnect burst overflows either, and the dropped SYNs are retried
 * after a second or more. The connection limit stays below the process's open-file
 * limit, so that a flood of connections (slowloris clients included) is refused by the
 * server before it takes the descriptors the rest of the application needs.
 */
public final class ConnectionLimits {

	/** Connections the server accepts when the application does not say: streams are long-lived. */
	public static final int MAX_CONNECTIONS = 30_000;

	/** Connections the kernel queues before the server accepts them (capped by net.core.somaxconn). */
	public static final int ACCEPT_QUEUE = 4096;

	/** Below this many connections, a node holds fewer streams than Tomcat would by default. */
	private static final int LOW_MAX_CONNECTIONS = 8192;

	/** Open files left to the rest of the application at least: jars, logs, pools, clients. */
	static final int MIN_RESERVED_FILES = 256;

	private ConnectionLimits() {
	}

	/**
	 * Returns the connection limit for this process, from its open-file limit.
	 * @return the connection limit
	 * @see #maxConnections(long)
	 */
	public static int maxConnections() {
		return maxConnections(openFileLimit());
	}

	/**
	 * Returns the connection limit for a process allowed a number of open files: the
	 * files less a tenth (at least {@value #MIN_RESERVED_FILES}) for the rest of the
	 * application, at most {@value #MAX_CONNECTIONS}.
	 * @param openFileLimit the process's open-file limit, or a negative number if unknown
	 * @return the connection limit
	 */
	public static int maxConnections(long openFileLimit) {
		if (openFileLimit < 0) {
			return MAX_CONNECTIONS;
		}
		long reserved = Math.max(MIN_RESERVED_FILES, openFileLimit / 10);
		return (int) Math.max(1, Math.min(MAX_CONNECTIONS, openFileLimit - reserved));
	}

	/**
	 * Returns the process's open-file limit.
	 * @return the limit, or -1 where the JVM cannot tell
	 */
	public static long openFileLimit() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)
				? unix.getMaxFileDescriptorCount() : -1;
	}

	/**
	 * Logs the connection limit chosen: a warning when the open-file limit forced it low.
	 * @param logger the container adapter's logger
	 * @param server the server's name
	 * @param maxConnections the limit chosen
	 * @param openFileLimit the open-file limit it was chosen from, or -1
	 * @param property the property that sets the limit instead
	 */
	public static void logChosen(Log logger, String server, int maxConnections, long openFileLimit,
			String property) {
		String chosen = server + " accepts at most " + maxConnections + " connections"
				+ ((openFileLimit >= 0) ? " (open-file limit " + openFileLimit + ")" : "");
		if (maxConnections < LOW_MAX_CONNECTIONS) {
			logger.warn(chosen + ", fewer than Tomcat's default of 8192: raise the open-file limit (ulimit -n)");
		}
		else {
			logger.info(chosen + "; set " + property + ", and raise the open-file limit, for more streams");
		}
	}

}
