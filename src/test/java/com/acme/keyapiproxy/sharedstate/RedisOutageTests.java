package com.acme.keyapiproxy.sharedstate;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyClient;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Redis stops in the middle of the traffic of two replicas, then comes back. */
@Tag("integration")
@SharedModeTest
class RedisOutageTests {

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	private static SharedRedis redis;

	private static ProxyReplicas replicas;

	@BeforeAll
	static void startTwoReplicas() {
		redis = SharedRedis.get();
		replicas = new ProxyReplicas(redis);
		replicas.start();
		replicas.start();
	}

	@AfterAll
	static void stopReplicas() {
		if (replicas != null) {
			replicas.close();
		}
	}

	@Test
	void withoutRedisCachedPagesAreServedMissesAreRefusedAndServiceResumesWhenItReturns() {
		keyApi.resetAll();
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
		ProxyClient a = replicas.roundRobin(0).client();
		ProxyClient b = replicas.roundRobin(1).client();
		String cached = "/influencers/7400000000000000001/livestreams";
		String uncached = "/influencers/7400000000000000002/livestreams";
		assertThat(a.get(cached).statusCode()).isEqualTo(200);
		assertThat(b.get(cached).statusCode()).isEqualTo(200);

		redis.stop();
		try {
			for (ProxyClient replica : new ProxyClient[] { a, b }) {
				HttpResponse<String> hit = replica.get(cached);
				assertThat(hit.statusCode()).isEqualTo(200);
				assertThat(hit.headers().firstValue("Cache-Status"))
					.hasValueSatisfying((status) -> assertThat(status).startsWith("keyapi-proxy; hit;"));
			}
			long started = System.nanoTime();
			HttpResponse<String> miss = a.get(uncached);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(miss.statusCode()).isEqualTo(503);
			assertThat(miss.body()).contains("upstream_unavailable");
			assertThat(miss.headers().firstValue("Retry-After")).isPresent();
			assertThat(b.get(uncached).statusCode()).isEqualTo(503);
			assertThat(upstreamCallsFor("7400000000000000002")).isZero();
			for (ProxyClient replica : new ProxyClient[] { a, b }) {
				HttpResponse<String> readiness = replica.management("/actuator/health/readiness");
				assertThat(readiness.statusCode()).isEqualTo(503);
				assertThat(JsonPath.<String>read(readiness.body(), "$.components.redis.status")).isEqualTo("DOWN");
				assertThat(replica.management("/actuator/health/liveness").statusCode()).isEqualTo(200);
			}
		}
		finally {
			redis.start();
		}

		for (ProxyClient replica : new ProxyClient[] { a, b }) {
			Eventually.until("the replica is ready again", Duration.ofSeconds(20),
					() -> replica.management("/actuator/health/readiness").statusCode() == 200);
		}
		Eventually.until("a miss is served again", Duration.ofSeconds(20), () -> a.get(uncached).statusCode() == 200);
		assertThat(upstreamCallsFor("7400000000000000002")).isEqualTo(1);
		assertThat(b.get(uncached).headers().firstValue("Credits-Charged")).hasValue("0");
	}

	private static int upstreamCallsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)))
			.size();
	}

}
