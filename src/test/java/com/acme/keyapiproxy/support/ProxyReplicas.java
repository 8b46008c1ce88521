package com.acme.keyapiproxy.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.acme.keyapiproxy.KeyApiProxyApplication;

/**
 * Several proxies in shared mode, each a whole application context on its own ports in
 * this JVM, all in front of the one WireMock KeyAPI and sharing one Redis under a key
 * prefix of their own (so test classes never see each other's state). Each replica has
 * its own ledger file path, as separate pods would.
 */
public final class ProxyReplicas implements AutoCloseable {

	private final String keyPrefix = "test-" + UUID.randomUUID() + ":";

	private final Map<String, Object> common = new LinkedHashMap<>();

	private final List<Replica> replicas = new ArrayList<>();

	public ProxyReplicas(SharedRedis redis, String... properties) {
		this.common.put("server.port", "0");
		this.common.put("management.server.port", "0");
		this.common.put("keyapi.api-key", KeyApiStubs.API_KEY);
		this.common.put("keyapi.base-url", KeyApiWireMock.server().baseUrl());
		this.common.put("spring.data.redis.url", redis.url());
		this.common.put("proxy.shared.key-prefix", this.keyPrefix);
		this.common.put("proxy.operator.token-sha256", Operator.TOKEN_SHA256);
		for (String property : properties) {
			int equals = property.indexOf('=');
			this.common.put(property.substring(0, equals), property.substring(equals + 1));
		}
	}

	/** Starts one more replica, with these properties on top of the common ones. */
	public Replica start(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(KeyApiProxyApplication.class)
			.run(arguments(properties));
		Replica replica = new Replica(context);
		this.replicas.add(replica);
		return replica;
	}

	/**
	 * The command line of one more replica, with these properties on top of the common
	 * ones (for a replica started in a JVM of its own, {@link ProxyProcess}).
	 */
	public String[] arguments(String... properties) {
		Map<String, Object> own = new LinkedHashMap<>(this.common);
		own.put("proxy.budget.file", "target/test-ledgers/" + UUID.randomUUID() + "/credits");
		for (String property : properties) {
			int equals = property.indexOf('=');
			own.put(property.substring(0, equals), property.substring(equals + 1));
		}
		// As command-line arguments: they must win over application.yaml, as a pod's
		// environment does.
		return own.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	public List<Replica> all() {
		return List.copyOf(this.replicas);
	}

	/**
	 * The replica that serves the {@code i}-th call when calls are spread round-robin.
	 */
	public Replica roundRobin(int i) {
		return this.replicas.get(i % this.replicas.size());
	}

	public String keyPrefix() {
		return this.keyPrefix;
	}

	@Override
	public void close() {
		this.replicas.forEach(Replica::stop);
	}

	/** One running proxy. */
	public static final class Replica {

		private final ConfigurableApplicationContext context;

		private final ProxyClient client;

		Replica(ConfigurableApplicationContext context) {
			this.context = context;
			WebServerApplicationContext web = (WebServerApplicationContext) context;
			int port = web.getWebServer().getPort();
			int managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
			this.client = new ProxyClient(port, managementPort);
		}

		public ProxyClient client() {
			return this.client;
		}

		public ConfigurableApplicationContext context() {
			return this.context;
		}

		public void stop() {
			if (this.context.isActive()) {
				this.context.close();
			}
		}

	}

}
