package com.acme.keyapiproxy;

import java.util.Map;

import org.springframework.boot.SpringApplication;

import com.acme.keyapiproxy.simulator.KeyApiSimulator;

/**
 * {@code mvn spring-boot:test-run}: the proxy on :8080 in front of a local
 * {@link KeyApiSimulator} (on {@code SIMULATOR_PORT}, default 8089, answering 429 above
 * {@code SIMULATOR_QPS} in any sliding second, default 5), with a throwaway key, so the
 * service can be tried with no KeyAPI key. Any property can still be overridden by
 * environment variable, e.g. {@code KEYAPI_RATE_LIMIT_QPS=2}. Swagger UI (test scope
 * only) is at http://localhost:8081/actuator/swagger-ui/index.html. The operator's token
 * for the protected management operations ({@code /actuator/credits},
 * {@code DELETE /actuator/pagecache}) is {@value #LOCAL_OPERATOR_TOKEN}.
 */
public final class LocalKeyApiProxy {

	private static final String LOCAL_KEY = "sk_test_local_simulator";

	/** A throwaway, as documented in README: never a real operator token. */
	private static final String LOCAL_OPERATOR_TOKEN = "local-operator-token";

	/** {@code printf %s local-operator-token | sha256sum} */
	private static final String LOCAL_OPERATOR_TOKEN_SHA256 = "0e0f32b32f222d209c23da5994f02cd3caf03a883ad8c0f491339d3f058bf34a";

	private LocalKeyApiProxy() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(System.getenv().getOrDefault("SIMULATOR_PORT", "8089"));
		int qps = Integer.parseInt(System.getenv().getOrDefault("SIMULATOR_QPS", "5"));
		KeyApiSimulator simulator = KeyApiSimulator.start(port, LOCAL_KEY, qps);
		SpringApplication proxy = new SpringApplication(KeyApiProxyApplication.class);
		proxy.setDefaultProperties(Map.of("keyapi.base-url", "http://127.0.0.1:" + simulator.port(), "keyapi.api-key",
				LOCAL_KEY, "management.endpoints.web.exposure.include",
				"health,info,prometheus,credits,pagecache,openapi,swagger-ui", "proxy.operator.token-sha256",
				LOCAL_OPERATOR_TOKEN_SHA256));
		proxy.run(args);
		System.out.println("Local run: the operator's token is '" + LOCAL_OPERATOR_TOKEN
				+ "', e.g. curl -H 'Authorization: Bearer " + LOCAL_OPERATOR_TOKEN
				+ "' localhost:8081/actuator/credits");
	}

}
