package com.acme.keyapiproxy.observability;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.Operator;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key never leaves the upstream request's Authorization header: not in a log line at
 * any level, an actuator view (even the ones an operator might expose), a metric or an
 * answer, errors included. Nor does the operator's token, presented right or wrong.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "logging.level.root=DEBUG", "logging.level.org.springframework.web=TRACE",
		"logging.level.org.springframework.http=TRACE", "logging.level.reactor.netty=TRACE",
		"logging.level.com.acme=TRACE", "keyapi.rate-limit.qps=50", "keyapi.retry.initial-backoff=10ms",
		"management.endpoints.web.exposure.include=health,info,prometheus,credits,env,configprops,beans,metrics,loggers,conditions,mappings",
		"management.endpoint.health.show-details=always" })
class SecretHygieneTests extends ProxyIntegrationTest {

	private static final String KEY = KeyApiStubs.API_KEY;

	/**
	 * Log levels are global to the JVM: put them back, or every later test class logs at
	 * TRACE.
	 */
	@AfterAll
	static void restoreLogLevels() {
		LoggingSystem logging = LoggingSystem.get(SecretHygieneTests.class.getClassLoader());
		logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		for (String logger : List.of("org.springframework.web", "org.springframework.http", "reactor.netty",
				"com.acme")) {
			logging.setLogLevel(logger, null);
		}
	}

	@Test
	void theKeyAppearsInNoLogLineActuatorViewMetricOrAnswer(CapturedOutput output) {
		keyApi.stubFor(livestreams("8001").willReturn(KeyApiStubs.itemsOfSize(2)));
		keyApi.stubFor(livestreams("8002").willReturn(KeyApiStubs.vendorError(401)));
		keyApi.stubFor(livestreams("8003").willReturn(KeyApiStubs.vendorError(500)));
		keyApi.stubFor(livestreams("8004").willReturn(KeyApiStubs.json(200, "{\"code\":0,\"data\":[")));

		List<HttpResponse<String>> answers = new ArrayList<>();
		answers.add(this.proxy.get("/influencers/8001/livestreams"));
		answers.add(this.proxy.get("/influencers/8001/livestreams"));
		answers.add(this.proxy.get("/influencers/8002/livestreams"));
		answers.add(this.proxy.get("/influencers/8003/livestreams"));
		answers.add(this.proxy.get("/influencers/8004/livestreams"));
		answers.add(this.proxy.get("/influencers/nope/livestreams"));
		for (String view : List.of("health", "info", "prometheus", "credits", "env", "env/keyapi.api-key",
				"env/proxy.operator.token-sha256", "configprops", "configprops/keyapi", "configprops/proxy.operator",
				"beans", "metrics", "loggers", "conditions", "mappings")) {
			HttpResponse<String> response = this.proxy.asOperator("GET", "/actuator/" + view);
			assertThat(response.statusCode()).as(view).isEqualTo(200);
			answers.add(response);
		}
		answers.add(this.proxy.management("GET", "/actuator/env", "Authorization", "Bearer " + Operator.TOKEN + "x"));

		assertThat(answers).allSatisfy((answer) -> {
			assertThat(answer.body()).doesNotContain(KEY).doesNotContain(Operator.TOKEN);
			assertThat(answer.headers().map().toString()).doesNotContain(KEY).doesNotContain(Operator.TOKEN);
		});
		assertThat(answers.get(0).statusCode()).isEqualTo(200);
		assertThat(answers.get(answers.size() - 1).statusCode()).isEqualTo(401);
		assertThat(output.getAll()).contains("KeyAPI attempt").doesNotContain(KEY).doesNotContain(Operator.TOKEN);
	}

}
