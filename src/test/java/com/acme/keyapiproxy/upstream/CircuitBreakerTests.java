package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A KeyAPI that keeps failing stops being called: misses fail fast instead of burning
 * attempts and slots.
 */
@TestPropertySource(
		properties = { "keyapi.rate-limit.qps=50", "keyapi.retry.max-attempts=1", "keyapi.circuit-breaker.window=4",
				"keyapi.circuit-breaker.minimum-calls=4", "keyapi.circuit-breaker.open-for=30s", "keyapi.timeout=3s" })
class CircuitBreakerTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aFailingKeyApiIsNotCalledUntilOneProbeAtATimeFindsItBack() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.vendorError(500)));
		for (int i = 0; i < 4; i++) {
			assertThat(this.proxy.get("/influencers/" + (31_000 + i) + "/livestreams").statusCode()).isEqualTo(503);
		}

		long start = System.nanoTime();
		HttpResponse<String> fast = this.proxy.get("/influencers/31999/livestreams");
		long millis = (System.nanoTime() - start) / 1_000_000;

		assertThat(fast.statusCode()).isEqualTo(503);
		assertThat(JSON.readTree(fast.body()).get("code").asString()).isEqualTo("upstream_unavailable");
		assertThat(fast.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(millis).as("failing fast, ms").isLessThan(500);
		keyApi.verify(4, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)));
		assertThat(this.proxy.metric("resilience4j_circuitbreaker_state", "state=\"open\"")).isEqualTo(1);

		CLOCK.advance(Duration.ofSeconds(31));
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(1000)));
		CompletableFuture<HttpResponse<String>> probe = CompletableFuture
			.supplyAsync(() -> this.proxy.get("/influencers/32000/livestreams"));
		Eventually.until("KeyAPI sees the probe", Duration.ofSeconds(5),
				() -> keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH))).size() == 5);
		HttpResponse<String> whileProbing = this.proxy.get("/influencers/32001/livestreams");

		assertThat(whileProbing.statusCode()).as("one probe at a time").isEqualTo(503);
		assertThat(probe.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.proxy.get("/influencers/32001/livestreams").statusCode()).isEqualTo(200);
		assertThat(this.proxy.metric("resilience4j_circuitbreaker_state", "state=\"closed\"")).isEqualTo(1);
		keyApi.verify(6, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)));
	}

}
