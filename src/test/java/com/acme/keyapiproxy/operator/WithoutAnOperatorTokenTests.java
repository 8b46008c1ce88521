package com.acme.keyapiproxy.operator;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.acme.keyapiproxy.KeyApiProxyApplication;
import com.acme.keyapiproxy.support.ColdProxy;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.Operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Secure by default: with no operator token configured, nobody gets past the management
 * port's door.
 */
@Tag("integration")
@ExtendWith(OutputCaptureExtension.class)
class WithoutAnOperatorTokenTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theProtectedOperationsAreRefusedNamingThePropertyToSetAndTheProbesStayOpen(CapturedOutput output) {
		// ColdProxy configures no operator token (the integration tests' proxies do).
		try (ColdProxy proxy = ColdProxy.start(KeyApiWireMock.server().baseUrl())) {
			HttpResponse<String> credits = proxy.client()
				.management("GET", "/actuator/credits", "Authorization", "Bearer " + Operator.TOKEN);
			HttpResponse<String> purge = proxy.client().management("DELETE", "/actuator/pagecache");

			for (HttpResponse<String> refused : List.of(credits, purge)) {
				assertThat(refused.statusCode()).isEqualTo(401);
				assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
				assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer ");
				JsonNode problem = JSON.readTree(refused.body());
				assertThat(problem.get("code").asString()).isEqualTo("unauthenticated");
				assertThat(problem.get("detail").asString()).contains("proxy.operator.token-sha256",
						"PROXY_OPERATOR_TOKEN_SHA256");
			}
			assertThat(proxy.client().management("/actuator/health/readiness").statusCode()).isEqualTo(200);
			assertThat(proxy.client().management("/actuator/prometheus").statusCode()).isEqualTo(200);
		}
		assertThat(output.getAll()).contains("No operator token is configured (proxy.operator.token-sha256)");
	}

	@Test
	void aMalformedHashStopsTheStartNamingThePropertyButNotTheValue(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(KeyApiProxyApplication.class, "--server.port=0",
				"--management.server.port=0", "--proxy.budget.file=target/test-ledgers/startup/credits",
				"--keyapi.api-key=sk_live_unused", "--proxy.operator.token-sha256=" + Operator.TOKEN));

		assertThat(output.getAll()).contains("proxy.operator.token-sha256 must be 64 hex digits")
			.doesNotContain(Operator.TOKEN);
	}

}
