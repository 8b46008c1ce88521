package com.acme.keyapiproxy.api;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HEAD answers what GET would from the cache, headers only, and never spends a credit: on
 * a miss, 504 not_cached.
 */
class HeadRequestsTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Headers that differ between two answers of the same page by the clock alone. */
	private static final List<String> TIMED = List.of("date", "age", "cache-status", "cache-control");

	@Test
	void headOfACachedPageHasGetsStatusAndHeadersWithoutABodyAndCostsNothing() {
		keyApi.stubFor(livestreams("4101").willReturn(KeyApiStubs.itemsOfSize(3)));
		this.proxy.get("/influencers/4101/livestreams?size=3");
		int spent = creditsSpent();

		HttpResponse<String> get = this.proxy.get("/influencers/4101/livestreams?size=3");
		HttpResponse<String> head = this.proxy.request("HEAD", "/influencers/4101/livestreams?size=3");
		HttpResponse<String> headWithDirectives = this.proxy.request("HEAD", "/influencers/4101/livestreams?size=3",
				"Cache-Control", "no-cache");

		assertThat(get.statusCode()).isEqualTo(200);
		for (HttpResponse<String> answer : List.of(head, headWithDirectives)) {
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.body()).isEmpty();
			assertThat(untimed(answer.headers().map())).isEqualTo(untimed(get.headers().map()));
			assertThat(answer.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit; ttl=");
			assertThat(answer.headers().firstValue("Credits-Charged")).hasValue("0");
		}
		assertThat(head.headers().firstValue("Content-Length"))
			.hasValue(Integer.toString(get.body().getBytes().length));
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)));
		assertThat(creditsSpent()).isEqualTo(spent);
	}

	@Test
	void headOfAPageNotCachedIs504NotCachedWithoutCallingKeyApi() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		int spent = creditsSpent();

		HttpResponse<String> head = this.proxy.request("HEAD", "/influencers/4102/livestreams");
		HttpResponse<String> headWithDirectives = this.proxy.request("HEAD", "/influencers/4102/livestreams",
				"Cache-Control", "no-cache");

		for (HttpResponse<String> answer : List.of(head, headWithDirectives)) {
			assertThat(answer.statusCode()).isEqualTo(504);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(answer.headers().firstValue("Credits-Charged")).hasValue("0");
			assertThat(answer.body()).isEmpty();
		}
		keyApi.verify(0, anyRequestedFor(anyUrl()));
		assertThat(creditsSpent()).isEqualTo(spent);
		assertThat(this.proxy.get("/influencers/4102/livestreams").headers().firstValue("Cache-Status"))
			.as("HEAD stored nothing")
			.hasValue("keyapi-proxy; fwd=miss; stored");
	}

	@Test
	void headOfAnInvalidRequestIsItsProblemsStatusWithoutABody() {
		HttpResponse<String> head = this.proxy.request("HEAD", "/influencers/12/livestreams?page=0");

		assertThat(head.statusCode()).isEqualTo(400);
		assertThat(head.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(head.body()).isEmpty();
		keyApi.verify(0, anyRequestedFor(anyUrl()));
	}

	private int creditsSpent() {
		return JSON.readTree(this.proxy.get("/usage").body()).get("credits_spent").asInt();
	}

	private static Map<String, List<String>> untimed(Map<String, List<String>> headers) {
		Map<String, List<String>> kept = new TreeMap<>(headers);
		kept.keySet().removeIf((name) -> TIMED.contains(name.toLowerCase(Locale.ROOT)));
		return kept;
	}

}
