package com.acme.keyapiproxy.sharedstate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyClient;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis password (part of {@code spring.data.redis.url}) is a secret like the KeyAPI
 * key: in no log line, even at DEBUG and while Lettuce reconnects, and in no actuator
 * view an operator might expose, nor in a metric or answer.
 */
@Tag("integration")
@SharedModeTest
@ExtendWith(OutputCaptureExtension.class)
class SharedModeSecretHygieneTests {

	@AfterAll
	static void restoreLogLevels() {
		LoggingSystem.get(SharedModeSecretHygieneTests.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void theRedisPasswordAppearsInNoLogLineActuatorViewMetricOrAnswer(CapturedOutput output) {
		SharedRedis redis = SharedRedis.get();
		KeyApiWireMock.server().stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
		List<HttpResponse<String>> answers = new ArrayList<>();
		try (ProxyReplicas replicas = new ProxyReplicas(redis, "logging.level.root=DEBUG",
				"management.endpoints.web.exposure.include=health,info,prometheus,env,configprops,beans,metrics,conditions")) {
			ProxyClient replica = replicas.start().client();
			answers.add(replica.get("/influencers/7600000000000000001/livestreams"));
			redis.stop();
			try {
				answers.add(replica.get("/influencers/7600000000000000002/livestreams"));
				answers.add(replica.management("/actuator/health"));
			}
			finally {
				redis.start();
			}
			Eventually.until("the replica is ready again", Duration.ofSeconds(20),
					() -> replica.management("/actuator/health/readiness").statusCode() == 200);
			for (String view : List.of("health", "info", "prometheus", "env", "env/spring.data.redis.url",
					"configprops", "configprops/spring.data.redis", "beans", "metrics", "conditions")) {
				HttpResponse<String> response = replica.asOperator("GET", "/actuator/" + view);
				assertThat(response.statusCode()).as(view).isLessThan(500).isNotEqualTo(401);
				answers.add(response);
			}
		}

		assertThat(answers.get(0).statusCode()).isEqualTo(200);
		assertThat(answers.get(1).statusCode()).isEqualTo(503);
		assertThat(answers).allSatisfy((answer) -> {
			assertThat(answer.body()).doesNotContain(redis.password());
			assertThat(answer.headers().map().toString()).doesNotContain(redis.password());
		});
		assertThat(output.getAll()).contains("Trying to get a Redis connection").doesNotContain(redis.password());
	}

}
