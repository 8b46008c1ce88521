package com.acme.keyapiproxy.operator;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.Operator;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reaching the management port is not enough to read every team's spend or to purge the
 * cache (which costs a credit per page to refill): those need the operator's token.
 * Probes, scraping, info and the API description stay open.
 */
class OperatorAccessTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String WRONG = "Bearer not-the-operator-token";

	@ParameterizedTest
	@ValueSource(strings = { "GET /actuator/credits", "DELETE /actuator/pagecache",
			"DELETE /actuator/pagecache?userId=57001", "GET /actuator", "DELETE /actuator/health" })
	void withoutATokenAProtectedOperationIsAnUnauthenticatedProblemWithABearerChallenge(String operation) {
		HttpResponse<String> refused = this.proxy.management(method(operation), path(operation));

		assertUnauthenticated(refused);
		assertThat(refused.headers().firstValue("WWW-Authenticate"))
			.hasValue("Bearer realm=\"keyapi-proxy-management\"");
		assertThat(problem(refused).get("detail").asString()).contains("Authorization: Bearer <operator token>");
	}

	@ParameterizedTest
	@ValueSource(strings = { WRONG, "Bearer " + Operator.TOKEN_SHA256, "Bearer " + Operator.TOKEN + "-and-more",
			"Basic b3BlcmF0b3I6c2VjcmV0" })
	void aTokenThatIsNotTheOperatorsIsRefusedAndNeverEchoed(String authorization) {
		HttpResponse<String> refused = this.proxy.management("GET", "/actuator/credits", "Authorization",
				authorization);

		assertUnauthenticated(refused);
		assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer ");
		assertThat(refused.body()).doesNotContain(authorization.substring(authorization.indexOf(' ') + 1));
	}

	@Test
	void aWrongBearerTokenIsToldItIsInvalid() {
		HttpResponse<String> refused = this.proxy.management("DELETE", "/actuator/pagecache", "Authorization", WRONG);

		assertUnauthenticated(refused);
		assertThat(refused.headers().firstValue("WWW-Authenticate"))
			.hasValue("Bearer realm=\"keyapi-proxy-management\", error=\"invalid_token\"");
		assertThat(problem(refused).get("detail").asString()).isEqualTo("The bearer token is not the operator's");
	}

	@Test
	void theOperatorsTokenOpensTheCreditsAndThePurge() {
		HttpResponse<String> credits = this.proxy.asOperator("GET", "/actuator/credits");
		HttpResponse<String> purge = this.proxy.asOperator("DELETE", "/actuator/pagecache?userId=57002");
		HttpResponse<String> lowerCaseScheme = this.proxy.management("GET", "/actuator/credits", "Authorization",
				"bearer " + Operator.TOKEN);

		assertThat(credits.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(credits.body()).has("default")).as(credits.body()).isTrue();
		assertThat(purge.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(purge.body()).get("userId").asString()).isEqualTo("57002");
		assertThat(lowerCaseScheme.statusCode()).isEqualTo(200);
	}

	@Test
	void aPurgeWithoutTheTokenPurgesNothing() {
		keyApi.stubFor(KeyApiStubs.livestreams("57003").willReturn(KeyApiStubs.itemsOfSize(10)));
		String page = "/influencers/57003/livestreams";
		assertThat(this.proxy.get(page).statusCode()).isEqualTo(200);

		assertUnauthenticated(this.proxy.management("DELETE", "/actuator/pagecache?userId=57003"));
		assertUnauthenticated(this.proxy.management("DELETE", "/actuator/pagecache"));
		assertUnauthenticated(this.proxy.management("DELETE", "/actuator/pagecache", "Authorization", WRONG));

		assertThat(this.proxy.get(page).headers().firstValue("Cache-Status").orElseThrow())
			.startsWith("keyapi-proxy; hit");
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("57003")));
	}

	@Test
	void probesScrapingInfoAndTheApiDescriptionNeedNoToken() {
		for (String view : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
				"/actuator/prometheus", "/actuator/info", "/actuator/openapi")) {
			assertThat(this.proxy.management(view).statusCode()).as(view).isEqualTo(200);
		}
		JsonNode health = JSON.readTree(this.proxy.management("/actuator/health").body());
		assertThat(health.get("components").get("keyApi").get("details").has("circuitBreaker"))
			.as("health details are shown as before")
			.isTrue();
		assertThat(this.proxy.management("/actuator/prometheus").body()).contains("keyapi_proxy_cache_requests_total");
	}

	@Test
	void theApiPortKnowsNothingOfTheDoor() {
		HttpResponse<String> credits = this.proxy.get("/actuator/credits");

		assertThat(credits.statusCode()).isEqualTo(404);
		assertThat(problem(credits).get("code").asString()).isEqualTo("not_found");
	}

	private static void assertUnauthenticated(HttpResponse<String> answer) {
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = problem(answer);
		assertThat(problem.get("type").asString()).isEqualTo("urn:keyapi-proxy:problem:unauthenticated");
		assertThat(problem.get("title").asString()).isEqualTo("Unauthorized");
		assertThat(problem.get("status").asInt()).isEqualTo(401);
		assertThat(problem.get("code").asString()).isEqualTo("unauthenticated");
		assertThat(problem.get("detail").asString()).isNotBlank();
	}

	private static JsonNode problem(HttpResponse<String> answer) {
		return JSON.readTree(answer.body());
	}

	private static String method(String operation) {
		return operation.substring(0, operation.indexOf(' '));
	}

	private static String path(String operation) {
		return operation.substring(operation.indexOf(' ') + 1);
	}

}
