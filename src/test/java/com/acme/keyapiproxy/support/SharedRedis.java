package com.acme.keyapiproxy.support;

/**
 * The Redis the shared-mode tests run against: Debian's {@code redis-server} started on
 * loopback by the tests ({@link LocalRedisServer}, the default), or a {@code redis:7}
 * container when run with {@code -Ptestcontainers} ({@link ContainerRedis}).
 */
public interface SharedRedis {

	/** The value for {@code spring.data.redis.url}, password included. */
	String url();

	/**
	 * The password in {@link #url()}: a secret, never to be seen in a log, a metric or an
	 * actuator view.
	 */
	String password();

	/** Makes Redis unreachable (the data stays, as after a crash with AOF). */
	void stop();

	/** Makes it reachable again, at the same address and with the same data. */
	void start();

	/**
	 * The one Redis of this test run, started on first use and stopped when the JVM ends
	 * ({@link SharedModeTest}).
	 */
	static SharedRedis get() {
		return Holder.INSTANCE;
	}

	/**
	 * Whether this run uses a container ({@code -Ptestcontainers}) rather than Debian's
	 * {@code redis-server}.
	 */
	static boolean usesContainer() {
		return "testcontainers".equals(System.getProperty("keyapi.test.redis"));
	}

	/** Lazily started, once per JVM. */
	final class Holder {

		private static final SharedRedis INSTANCE = usesContainer() ? ContainerRedis.startRedis7()
				: LocalRedisServer.startOnLoopback();

		private Holder() {
		}

	}

}
