package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 60 distinct misses at once at qps 5 and the default 5 s max-wait: what 5 s of slots can
 * serve is served.
 */
@TestPropertySource(properties = "keyapi.rate-limit.qps=5")
class RateLimitMaxWaitTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private record Timed(HttpResponse<String> response, long millis) {
	}

	@Test
	void callersBeyondFiveSecondsOfSlotsGetUpstreamBusyPromptlyAndKeyApiIsNeverOverrun() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(3)));
		KeyApiArrivals.warmUp(keyApi, this.proxy);

		List<Timed> results = Concurrently.run(60, (caller) -> {
			long start = System.nanoTime();
			HttpResponse<String> response = this.proxy.get("/influencers/" + (60_000 + caller) + "/livestreams");
			return new Timed(response, (System.nanoTime() - start) / 1_000_000);
		});

		List<Timed> served = results.stream().filter((r) -> r.response().statusCode() == 200).toList();
		List<Timed> busy = results.stream().filter((r) -> r.response().statusCode() != 200).toList();
		assertThat(served).as("served within 5 s of slots at one per ~210 ms").hasSizeBetween(22, 26);
		assertThat(busy).allSatisfy((r) -> {
			assertThat(r.response().statusCode()).isEqualTo(503);
			assertThat(JSON.readTree(r.response().body()).get("code").asString()).isEqualTo("upstream_busy");
			assertThat(Long.parseLong(r.response().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L,
					6L);
			assertThat(r.millis()).as("a refused caller is told at once, ms").isLessThan(1500);
		});
		List<Long> arrivals = KeyApiArrivals.sortedMillis(keyApi);
		assertThat(arrivals).hasSize(served.size());
		KeyApiArrivals.assertAtMostPerSlidingSecond(arrivals, 5);
	}

}
