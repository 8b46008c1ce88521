package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream slots are shared between the teams that wait: a team flooding 200 misses at
 * qps 5 does not make another team's single miss wait behind it. (Tokens are
 * {@code <team>-token}, hashed with sha256sum.)
 */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=5",
		"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
		"proxy.teams.beta.token-sha256=863d63c0bd3a94bfca84ed2063a7355a226faff82ca50b90158bf183aa1a9e61" })
class FairSharingTests extends ProxyIntegrationTest {

	@Test
	void aFloodOfOneTeamsMissesDoesNotHoldUpAnotherTeamsSingleMiss() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(2)));
		KeyApiArrivals.warmUp(keyApi, this.proxy, "Authorization", "Bearer alpha-token");

		CompletableFuture<List<HttpResponse<String>>> flood = CompletableFuture.supplyAsync(() -> {
			try {
				return Concurrently.run(200, (caller) -> this.proxy
					.get("/influencers/" + (80_000 + caller) + "/livestreams", "Authorization", "Bearer alpha-token"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		while (keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH))).size() < 2) {
			assertThat(flood).isNotDone();
			Thread.sleep(10);
		}
		long start = System.nanoTime();
		HttpResponse<String> single = this.proxy.get("/influencers/89999/livestreams", "Authorization",
				"Bearer beta-token");
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		assertThat(single.statusCode()).isEqualTo(200);
		assertThat(millis).as("beta's miss behind alpha's queue of ~24, ms").isLessThan(1200);
		List<HttpResponse<String>> flooded = flood.get(60, TimeUnit.SECONDS);
		assertThat(flooded).filteredOn((r) -> r.statusCode() == 200).hasSizeGreaterThan(15);
		assertThat(flooded).allSatisfy((r) -> assertThat(r.statusCode()).isIn(200, 503));
		KeyApiArrivals.assertAtMostPerSlidingSecond(KeyApiArrivals.sortedMillis(keyApi), 5);
	}

}
