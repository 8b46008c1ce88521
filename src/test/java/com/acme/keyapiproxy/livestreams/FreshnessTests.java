package com.acme.keyapiproxy.livestreams;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Freshness, age and the caller's cache directives, with time moved by hand. */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.retry.initial-backoff=10ms",
		"keyapi.circuit-breaker.minimum-calls=1000" })
class FreshnessTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aHitSaysItsTrueAgeAndRemainingFreshness() {
		keyApi.stubFor(livestreams("5001").willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/5001/livestreams");

		CLOCK.advance(Duration.ofSeconds(412));
		HttpResponse<String> hit = this.proxy.get("/influencers/5001/livestreams");

		assertThat(hit.headers().firstValue("Age")).hasValue("412");
		assertThat(hit.headers().firstValue("Cache-Control")).hasValue("private, max-age=21188");
		assertThat(hit.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; ttl=21188");
	}

	@Test
	void aStalePageIsAnsweredAtOnceToEveryCallerWhileOneRefetchRunsBehindIt() throws Exception {
		keyApi.stubFor(livestreams("5006").willReturn(KeyApiStubs.itemsOfSize(1)));
		String original = this.proxy.get("/influencers/5006/livestreams").body();
		keyApi.stubFor(livestreams("5006").willReturn(KeyApiStubs.itemsOfSize(2).withFixedDelay(6000)));
		CLOCK.advance(Duration.ofHours(6).plusSeconds(5));

		List<Long> millis = Concurrently.run(20, (caller) -> {
			long start = System.nanoTime();
			HttpResponse<String> stale = this.proxy.get("/influencers/5006/livestreams");
			assertThat(stale.statusCode()).isEqualTo(200);
			assertThat(stale.body()).isEqualTo(original);
			assertThat(stale.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
			assertThat(stale.headers().firstValue("Age")).hasValue(Long.toString(6 * 3600 + 5));
			return (System.nanoTime() - start) / 1_000_000;
		});

		assertThat(millis).as("nobody waited for KeyAPI's 6 s answer, ms")
			.allSatisfy((ms) -> assertThat(ms).isLessThan(3000));
		Eventually.until("the refetched page is stored", Duration.ofSeconds(15),
				() -> this.proxy.get("/influencers/5006/livestreams")
					.body()
					.contains(KeyApiStubs.item("7321509771910417111")));
		assertThat(this.proxy.get("/influencers/5006/livestreams").headers().firstValue("Cache-Status").orElseThrow())
			.startsWith("keyapi-proxy; hit; ttl=");
		keyApi.verify(2, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("5006")));
	}

	@Test
	void aStalePageIsAnsweredWithItsTrueAgeWhenTheRefetchFails() {
		keyApi.stubFor(livestreams("5002").willReturn(KeyApiStubs.itemsOfSize(1)));
		String original = this.proxy.get("/influencers/5002/livestreams").body();
		keyApi.stubFor(livestreams("5002").willReturn(KeyApiStubs.vendorError(500)));
		CLOCK.advance(Duration.ofHours(7));

		HttpResponse<String> stale = this.proxy.get("/influencers/5002/livestreams");

		assertThat(stale.statusCode()).isEqualTo(200);
		assertThat(stale.body()).isEqualTo(original);
		assertThat(stale.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		assertThat(stale.headers().firstValue("Age")).hasValue(Long.toString(Duration.ofHours(7).toSeconds()));
		assertThat(stale.headers().firstValue("Credits-Charged")).hasValue("0");
	}

	@Test
	void noCacheRefetchesAndCostsACredit() {
		keyApi.stubFor(livestreams("5003").willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/5003/livestreams");

		HttpResponse<String> refetched = this.proxy.get("/influencers/5003/livestreams", "Cache-Control", "no-cache");

		assertThat(refetched.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; fwd=request");
		assertThat(refetched.headers().firstValue("Credits-Charged")).hasValue("1");
		keyApi.verify(2, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("5003")));
	}

	@Test
	void maxAgeRefetchesOnlyPagesOlderThanAsked() {
		keyApi.stubFor(livestreams("5004").willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/5004/livestreams");
		CLOCK.advance(Duration.ofSeconds(100));

		HttpResponse<String> youngEnough = this.proxy.get("/influencers/5004/livestreams", "Cache-Control",
				"max-age=200");
		HttpResponse<String> tooOld = this.proxy.get("/influencers/5004/livestreams", "Cache-Control", "max-age=50");

		assertThat(youngEnough.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit");
		assertThat(tooOld.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; fwd=request");
		keyApi.verify(2, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("5004")));
	}

	@Test
	void onlyIfCachedNeverSpends() {
		keyApi.stubFor(livestreams("5005").willReturn(KeyApiStubs.itemsOfSize(1)));

		HttpResponse<String> nothing = this.proxy.get("/influencers/5005/livestreams", "Cache-Control",
				"only-if-cached");
		this.proxy.get("/influencers/5005/livestreams");
		HttpResponse<String> cached = this.proxy.get("/influencers/5005/livestreams", "Cache-Control",
				"only-if-cached");

		assertThat(nothing.statusCode()).isEqualTo(504);
		assertThat(JSON.readTree(nothing.body()).get("code").asString()).isEqualTo("not_cached");
		assertThat(cached.statusCode()).isEqualTo(200);
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("5005")));
	}

}
