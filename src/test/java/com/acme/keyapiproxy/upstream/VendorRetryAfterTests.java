package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.acme.keyapiproxy.support.KeyApiStubs.vendorError;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 429 with a {@code Retry-After} holds every send back, not only that attempt's retry.
 * (Its own context: the pause it leaves would hold back other tests' misses.)
 */
@DirtiesContext
@TestPropertySource(properties = { "keyapi.retry.initial-backoff=20ms", "keyapi.retry.max-backoff=2s" })
class VendorRetryAfterTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aLongRetryAfterEndsRetryingIsPassedOnAndHoldsBackEveryOtherMiss() {
		keyApi.stubFor(livestreams("2900").willReturn(vendorError(429).withHeader("Retry-After", "120")));

		HttpResponse<String> refused = this.proxy.get("/influencers/2900/livestreams");
		HttpResponse<String> other = this.proxy.get("/influencers/2901/livestreams");

		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(code(refused)).isEqualTo("upstream_unavailable");
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("120");
		assertThat(requestsFor("2900")).isEqualTo(1);
		assertThat(other.statusCode()).isEqualTo(503);
		assertThat(code(other)).isEqualTo("upstream_busy");
		assertThat(Long.parseLong(other.headers().firstValue("Retry-After").orElseThrow())).isBetween(118L, 121L);
		assertThat(requestsFor("2901")).as("requests KeyAPI saw for another page while it asked to wait").isZero();
	}

	private static String code(HttpResponse<String> response) {
		return JSON.readTree(response.body()).get("code").asString();
	}

	private static int requestsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(com.acme.keyapiproxy.support.KeyApiStubs.PATH))
				.withQueryParam("user_id", equalTo(userId)))
			.size();
	}

}
