package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** 60 distinct misses at once at qps 5, with a patient max-wait: every one is served, paced, in about 12 s. */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=5", "keyapi.rate-limit.max-wait=30s" })
class RateLimitTests extends ProxyIntegrationTest {

	@Test
	void aBurstOfSixtyMissesIsServedWithNeverMoreThanFiveRequestsInAnySlidingSecond() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(3)));
		KeyApiArrivals.warmUp(keyApi, this.proxy);

		List<HttpResponse<String>> responses = Concurrently.run(60,
				(caller) -> this.proxy.get("/influencers/" + (50_000 + caller) + "/livestreams"));

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		List<Long> arrivals = KeyApiArrivals.sortedMillis(keyApi);
		assertThat(arrivals).hasSize(60);
		KeyApiArrivals.assertAtMostPerSlidingSecond(arrivals, 5);
		assertThat(arrivals.get(59) - arrivals.get(0)).as("span of the burst at KeyAPI, ms").isBetween(11_500L, 14_000L);
		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"429\"")).isZero();
	}

}
