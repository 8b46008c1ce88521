package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.json;
import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.acme.keyapiproxy.support.KeyApiStubs.vendorError;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What callers get, and what KeyAPI sees, when KeyAPI answers anything but a clean page.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "keyapi.timeout=1s", "keyapi.rate-limit.qps=50", "keyapi.retry.initial-backoff=20ms",
		"keyapi.retry.max-backoff=2s", "keyapi.circuit-breaker.minimum-calls=1000",
		"keyapi.circuit-breaker.window=1000",
		// A 402 here must not hold back the next test; the cooldown itself is tested in
		// WhenKeyApiFailsTests.
		"keyapi.quota-cooldown=1ms" })
class UpstreamFailureTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest(name = "vendor {0} is retried, then 503 upstream_unavailable")
	@ValueSource(ints = { 429, 500, 502, 503, 504 })
	void statusesWorthRetryingAreRetriedUpToTheAttemptLimit(int status) {
		String userId = "20" + status;
		keyApi.stubFor(livestreams(userId).willReturn(vendorError(status)));

		HttpResponse<String> response = this.proxy.get("/influencers/" + userId + "/livestreams");

		assertProblem(response, 503, "upstream_unavailable");
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(requestsFor(userId)).hasSize(3);
	}

	@ParameterizedTest(name = "vendor {0} -> {1} {2}, not retried")
	@CsvSource({ "400, 502, upstream_bad_response", "401, 502, upstream_auth_failed", "403, 502, upstream_auth_failed",
			"402, 503, upstream_quota_exhausted" })
	void verdictsOnTheRequestAreNotRetried(int vendorStatus, int status, String code) {
		String userId = "21" + vendorStatus;
		keyApi.stubFor(livestreams(userId).willReturn(vendorError(vendorStatus)));

		HttpResponse<String> response = this.proxy.get("/influencers/" + userId + "/livestreams");

		assertProblem(response, status, code);
		assertThat(response.headers().allValues("Credits-Charged")).containsExactly("0");
		assertThat(requestsFor(userId)).hasSize(1);
	}

	@Test
	void aRefusedKeyIsLoggedAtErrorForTheOperatorsWithoutTheKey(CapturedOutput output) {
		keyApi.stubFor(livestreams("2201").willReturn(vendorError(401)));

		this.proxy.get("/influencers/2201/livestreams");

		assertThat(output.getOut()).containsPattern("ERROR .*KeyAPI refused the proxy's key \\(HTTP 401\\)");
		assertThat(output.getAll()).doesNotContain(KeyApiStubs.API_KEY);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			malformed JSON          | {"code":0,"data":[{"room_id":"1"}
			code is not 0           | {"code":1001,"message":"invalid user","data":[]}
			data missing            | {"code":0,"message":"success"}
			data null               | {"code":0,"message":"success","data":null}
			data not an array       | {"code":0,"message":"success","data":{"room_id":"1"}}
			items not objects       | {"code":0,"message":"success","data":[1,2]}
			not an object           | [1,2,3]
			empty body              | ''
			""")
	void anAnswerThatIsNotTheDocumentedSuccessIsABadResponseAndIsNotRetried(String name, String body) {
		String userId = "23" + Math.abs(name.hashCode() % 10000);
		keyApi.stubFor(livestreams(userId).willReturn(json(200, body)));

		HttpResponse<String> response = this.proxy.get("/influencers/" + userId + "/livestreams");

		assertProblem(response, 502, "upstream_bad_response");
		assertThat(response.headers().allValues("Credits-Charged")).as("KeyAPI charged for its 200")
			.containsExactly("1");
		assertThat(requestsFor(userId)).hasSize(1);
	}

	@Test
	void anOversizedAnswerIsRefusedNotBuffered() {
		String huge = "[" + ("{\"title\":\"" + "x".repeat(1000) + "\"},").repeat(1100) + "{}]";
		keyApi.stubFor(livestreams("2400").willReturn(KeyApiStubs.page(huge)));

		assertProblem(this.proxy.get("/influencers/2400/livestreams"), 502, "upstream_bad_response");
	}

	@Test
	void aSlowKeyApiTimesOutOnEveryAttemptAndTheCallerGets504() {
		keyApi.stubFor(livestreams("2500").willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(2500)));

		HttpResponse<String> response = this.proxy.get("/influencers/2500/livestreams");

		assertProblem(response, 504, "upstream_timeout");
		assertThat(requestsFor("2500")).hasSize(3);
		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"timeout\""))
			.isGreaterThanOrEqualTo(3);
	}

	@Test
	void connectionFailuresAreRetriedAndCountedAsIoErrors() {
		keyApi.stubFor(livestreams("2600").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		double before = this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"io_error\"");

		HttpResponse<String> response = this.proxy.get("/influencers/2600/livestreams");

		assertProblem(response, 503, "upstream_unavailable");
		assertThat(requestsFor("2600")).hasSize(3);
		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"io_error\"") - before)
			.isEqualTo(3);
	}

	@Test
	void aTransientFailureIsInvisibleToTheCallerOnceARetrySucceeds() {
		keyApi.stubFor(livestreams("2700").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(vendorError(503))
			.willSetStateTo("recovered"));
		keyApi.stubFor(livestreams("2700").inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(KeyApiStubs.itemsOfSize(2)));

		HttpResponse<String> response = this.proxy.get("/influencers/2700/livestreams");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Credits-Charged")).hasValue("1");
		assertThat(requestsFor("2700")).hasSize(2);
	}

	@Test
	void aRetryAfterFromKeyApiIsHonouredNeverTryingSooner() {
		keyApi.stubFor(livestreams("2800").inScenario("busy")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(vendorError(429).withHeader("Retry-After", "1"))
			.willSetStateTo("free"));
		keyApi.stubFor(livestreams("2800").inScenario("busy")
			.whenScenarioStateIs("free")
			.willReturn(KeyApiStubs.itemsOfSize(1)));

		HttpResponse<String> response = this.proxy.get("/influencers/2800/livestreams");

		assertThat(response.statusCode()).isEqualTo(200);
		List<LoggedRequest> requests = requestsFor("2800");
		assertThat(requests).hasSize(2);
		assertThat(requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime())
			.isGreaterThanOrEqualTo(1000);
	}

	@Test
	void everyAttemptIsOneLogLineWithItsTeamPageStatusAttemptDurationAndCredits(CapturedOutput output) {
		keyApi.stubFor(livestreams("3000").inScenario("once")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(vendorError(500))
			.willSetStateTo("ok"));
		keyApi.stubFor(livestreams("3000").inScenario("once")
			.whenScenarioStateIs("ok")
			.willReturn(KeyApiStubs.itemsOfSize(1)));

		this.proxy.get("/influencers/3000/livestreams?page=2&size=5");

		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("KeyAPI attempt") && line.contains("user_id=3000")))
			.satisfiesExactly(
					(first) -> assertThat(first).containsPattern(
							"team=default user_id=3000 page=1 size=10 status=500 attempt=1 duration_ms=\\d+ credits=0"),
					(second) -> assertThat(second).containsPattern(
							"team=default user_id=3000 page=1 size=10 status=200 attempt=2 duration_ms=\\d+ credits=1"));
	}

	private static List<LoggedRequest> requestsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)));
	}

	private static void assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
	}

}
