package com.acme.keyapiproxy.livestreams;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class CoalescingTests extends ProxyIntegrationTest {

	@Test
	void twoHundredCallersMissingOnePageAtOnceCostExactlyOneCredit() throws Exception {
		keyApi.stubFor(livestreams("4000").willReturn(KeyApiStubs.itemsOfSize(10).withFixedDelay(1000)));
		double creditsBefore = this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"default\"");

		List<HttpResponse<String>> responses = Concurrently.run(200,
				(caller) -> this.proxy.get("/influencers/4000/livestreams"));

		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("4000")));
		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses).extracting(HttpResponse::body).containsOnly(responses.get(0).body());
		assertThat(responses.stream()
			.mapToInt((r) -> Integer.parseInt(r.headers().firstValue("Credits-Charged").orElseThrow()))
			.sum()).isEqualTo(1);
		assertThat(responses).extracting((r) -> r.headers().firstValue("Cache-Status").orElseThrow())
			.containsOnlyOnce("keyapi-proxy; fwd=miss; stored")
			.contains("keyapi-proxy; fwd=miss; collapsed");
		assertThat(this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"default\"") - creditsBefore)
			.isEqualTo(1);
	}

	@Test
	void callersWhoJoinedAFailedFetchAllSeeTheFailureAndNothingIsCached() throws Exception {
		keyApi.stubFor(livestreams("4001").willReturn(KeyApiStubs.vendorError(401).withFixedDelay(500)));

		List<HttpResponse<String>> responses = Concurrently.run(20,
				(caller) -> this.proxy.get("/influencers/4001/livestreams"));

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(502));
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("4001")));
		assertThat(this.proxy.get("/influencers/4001/livestreams").statusCode()).isEqualTo(502);
		keyApi.verify(2, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("4001")));
	}

}
