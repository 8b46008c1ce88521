package com.acme.keyapiproxy;

import java.util.Map;

import org.springframework.boot.SpringApplication;

import com.acme.keyapiproxy.simulator.KeyApiSimulator;

/**
 * {@code mvn spring-boot:test-run}: the proxy on :8080 in front of a local {@link KeyApiSimulator} (on
 * {@code SIMULATOR_PORT}, default 8089, answering 429 above {@code SIMULATOR_QPS} in any sliding second, default 5), with a throwaway key, so the service can be tried with no KeyAPI key.
 * Any property can still be overridden by environment variable, e.g. {@code KEYAPI_RATE_LIMIT_QPS=2}. Swagger UI
 * (test scope only) is at http://localhost:8081/actuator/swagger-ui/index.html.
 */
public final class LocalKeyApiProxy {

	private static final String LOCAL_KEY = "sk_test_local_simulator";

	private LocalKeyApiProxy() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(System.getenv().getOrDefault("SIMULATOR_PORT", "8089"));
		int qps = Integer.parseInt(System.getenv().getOrDefault("SIMULATOR_QPS", "5"));
		KeyApiSimulator simulator = KeyApiSimulator.start(port, LOCAL_KEY, qps);
		SpringApplication proxy = new SpringApplication(KeyApiProxyApplication.class);
		proxy.setDefaultProperties(Map.of("keyapi.base-url", "http://127.0.0.1:" + simulator.port(), "keyapi.api-key",
				LOCAL_KEY, "management.endpoints.web.exposure.include",
				"health,info,prometheus,credits,pagecache,openapi,swagger-ui"));
		proxy.run(args);
	}

}
