package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.HalfServerErrors;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Half of all KeyAPI answers are 500s; at the default 3 attempts at least 80% of callers
 * still get their page. (qps is raised only so the test is quick; the breaker is kept out
 * of the way, its behaviour is tested on its own.)
 */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.rate-limit.max-wait=30s",
		"keyapi.circuit-breaker.minimum-calls=1000", "keyapi.circuit-breaker.window=1000" })
class RetryUnderFlakinessTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void withHalfOfAllAnswersFailingAtLeastEightyPercentOfCallersGetTheirPage() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams()
			.willReturn(KeyApiStubs.itemsOfSize(2).withTransformers(HalfServerErrors.NAME)));
		double attemptsBefore = this.proxy.metric("keyapi_proxy_upstream_requests_total", "");

		List<HttpResponse<String>> responses = Concurrently.run(200,
				(caller) -> this.proxy.get("/influencers/" + (70_000 + caller) + "/livestreams"));

		long served = responses.stream().filter((r) -> r.statusCode() == 200).count();
		assertThat(served).as("callers served out of 200").isGreaterThanOrEqualTo(160);
		assertThat(responses).filteredOn((r) -> r.statusCode() != 200).allSatisfy((r) -> {
			assertThat(r.statusCode()).isEqualTo(503);
			assertThat(JSON.readTree(r.body()).get("code").asString()).isEqualTo("upstream_unavailable");
		});
		int keyApiSaw = keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH))).size();
		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "") - attemptsBefore)
			.as("attempts counted by the proxy")
			.isEqualTo(keyApiSaw);
		Map<String, Long> attemptsPerPage = keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))
			.stream()
			.collect(Collectors.groupingBy((r) -> r.queryParameter("user_id").firstValue(), Collectors.counting()));
		assertThat(attemptsPerPage.values()).allSatisfy((attempts) -> assertThat(attempts).isBetween(1L, 3L));
		assertThat(attemptsPerPage.values().stream().filter((a) -> a > 1).count()).as("pages that needed a retry")
			.isPositive();
		assertThat(responses.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting())))
			.containsKey(200);
	}

}
