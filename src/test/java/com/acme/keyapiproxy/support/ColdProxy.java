package com.acme.keyapiproxy.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.acme.keyapiproxy.KeyApiProxyApplication;

/**
 * A proxy started for one test in an application context of its own: a new KeyAPI client,
 * connection pool and event loops, nothing warmed up, as a freshly started proxy meets
 * its first callers. Stopped when closed.
 */
public final class ColdProxy implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final ProxyClient client;

	private final int port;

	private ColdProxy(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
		int managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
		this.client = new ProxyClient(this.port, managementPort);
	}

	/**
	 * Starts a proxy in front of {@code keyApiBaseUrl}, with these properties
	 * ({@code name=value}) on top.
	 */
	public static ColdProxy start(String keyApiBaseUrl, String... properties) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--keyapi.api-key=" + KeyApiStubs.API_KEY, "--keyapi.base-url=" + keyApiBaseUrl,
				"--proxy.budget.file=target/test-ledgers/" + UUID.randomUUID() + "/credits"));
		for (String property : properties) {
			arguments.add("--" + property);
		}
		return new ColdProxy(
				new SpringApplicationBuilder(KeyApiProxyApplication.class).run(arguments.toArray(String[]::new)));
	}

	public ProxyClient client() {
		return this.client;
	}

	/** The API port, for what {@link ProxyClient} cannot send ({@link RawHttp}). */
	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
