package com.acme.keyapiproxy.livestreams;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KeyAPI is down for good and the breaker has opened: 200 callers ask for 50 cached
 * (stale) and 50 uncached pages. Every cached one is answered stale, every other fails
 * fast with the right code, and KeyAPI sees nothing more.
 */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.rate-limit.max-wait=30s",
		"keyapi.retry.max-attempts=1", "keyapi.circuit-breaker.window=10", "keyapi.circuit-breaker.minimum-calls=10",
		"keyapi.circuit-breaker.open-for=10m" })
class KeyApiDownForGoodTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void cachedPagesAreAnsweredStaleAndTheRestFailFastWithoutCallingKeyApi() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(3)));
		for (int page = 1; page <= 50; page++) {
			assertThat(this.proxy.get("/influencers/60606/livestreams?page=" + page).statusCode()).isEqualTo(200);
		}
		CLOCK.advance(Duration.ofHours(7));
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.vendorError(503)));
		for (int i = 0; i < 10; i++) {
			this.proxy.get("/influencers/" + (61_000 + i) + "/livestreams");
		}
		keyApi.resetRequests();

		List<HttpResponse<String>> responses = Concurrently.run(200, (caller) -> {
			int page = 1 + (caller % 100) / 2;
			String influencer = (caller % 2 == 0) ? "60606" : "70707";
			return this.proxy.get("/influencers/" + influencer + "/livestreams?page=" + page);
		});

		assertThat(responses).filteredOn((r) -> r.uri().getPath().contains("60606")).hasSize(100).allSatisfy((r) -> {
			assertThat(r.statusCode()).isEqualTo(200);
			assertThat(r.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		});
		assertThat(responses).filteredOn((r) -> r.uri().getPath().contains("70707")).hasSize(100).allSatisfy((r) -> {
			assertThat(r.statusCode()).isEqualTo(503);
			assertThat(JSON.readTree(r.body()).get("code").asString()).isEqualTo("upstream_unavailable");
			assertThat(r.headers().firstValue("Retry-After")).isPresent();
		});
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).as("the breaker is open")
			.isEmpty();
		assertThat(this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"default\"")).isEqualTo(50);
	}

}
