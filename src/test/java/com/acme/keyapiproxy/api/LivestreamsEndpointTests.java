package com.acme.keyapiproxy.api;

import java.net.http.HttpResponse;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class LivestreamsEndpointTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aMissAsksKeyApiForTenWithTheKeyAsBearerAndAnswersTheEnvelopeWithItemsUntouched() {
		String vendorItem = "{\"room_id\":\"7321509771910417194\",\"create_time\":1704672004,"
				+ "\"total_sale_gmv_amt\":2627.730,\"big\":12345678901234567890123,\"added_later\":{\"x\":[1,2.50]}}";
		keyApi.stubFor(livestreams("7288986759428588590").willReturn(
				KeyApiStubs.page("[" + KeyApiStubs.item("1") + "," + KeyApiStubs.item("2") + "," + vendorItem + "]")));

		HttpResponse<String> response = this.proxy.get("/influencers/7288986759428588590/livestreams?page=3&size=1");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).contains("\"items\":[" + vendorItem + "]");
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.get("user_id").asString()).isEqualTo("7288986759428588590");
		assertThat(body.get("page").asInt()).isEqualTo(3);
		assertThat(body.get("size").asInt()).isEqualTo(1);
		assertThat(body.get("has_more").asBoolean()).isTrue();
		assertThat(body.get("fetched_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
		assertThat(body.get("upstream_request_id").asString()).isEqualTo("ec8e5830-2766-4199-a054-f5e5b8708b91");
		assertThat(response.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; fwd=miss; stored");
		assertThat(response.headers().firstValue("Credits-Charged")).hasValue("1");
		assertThat(response.headers().firstValue("Age")).hasValue("0");
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).matches("private, max-age=(21599|21600)"));
		assertThat(response.headers().firstValue("ETag"))
			.hasValueSatisfying((value) -> assertThat(value).matches("\"[A-Za-z0-9_-]{43}\""));

		LoggedRequest sent = keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH))).get(0);
		assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + KeyApiStubs.API_KEY);
		assertThat(sent.queryParameter("user_id").firstValue()).isEqualTo("7288986759428588590");
		assertThat(sent.queryParameter("page_num").firstValue()).as("items 3 to 3 are on KeyAPI's first page of 10")
			.isEqualTo("1");
		assertThat(sent.queryParameter("page_size").firstValue()).isEqualTo("10");
	}

	@Test
	void aSecondRequestIsAHitThatCostsNothingAndAMatchingETagIsNotModified() {
		keyApi.stubFor(livestreams("1001").willReturn(KeyApiStubs.itemsOfSize(2)));
		HttpResponse<String> miss = this.proxy.get("/influencers/1001/livestreams");

		HttpResponse<String> hit = this.proxy.get("/influencers/1001/livestreams");
		HttpResponse<String> notModified = this.proxy.get("/influencers/1001/livestreams", "If-None-Match",
				miss.headers().firstValue("ETag").orElseThrow());
		HttpResponse<String> otherTag = this.proxy.get("/influencers/1001/livestreams", "If-None-Match", "\"other\"");

		assertThat(hit.statusCode()).isEqualTo(200);
		assertThat(hit.body()).isEqualTo(miss.body());
		assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).matches("keyapi-proxy; hit; ttl=2159\\d");
		assertThat(hit.headers().firstValue("Credits-Charged")).hasValue("0");
		assertThat(hit.headers().firstValue("ETag")).isEqualTo(miss.headers().firstValue("ETag"));
		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
		assertThat(notModified.headers().firstValue("ETag")).isEqualTo(miss.headers().firstValue("ETag"));
		assertThat(otherTag.statusCode()).isEqualTo(200);
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("1001")));
	}

	@Test
	void anEmptyPageIsAValidAnswerAndIsCached() {
		keyApi.stubFor(livestreams("1002").willReturn(KeyApiStubs.page("[]")));

		HttpResponse<String> first = this.proxy.get("/influencers/1002/livestreams?page=7");
		HttpResponse<String> second = this.proxy.get("/influencers/1002/livestreams?page=7");

		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).contains("\"items\":[]", "\"has_more\":false");
		assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit");
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("1002")));
	}

	@Test
	void aFailedFetchIsNotCached() {
		keyApi.stubFor(livestreams("1003").willReturn(KeyApiStubs.vendorError(400)));

		assertThat(this.proxy.get("/influencers/1003/livestreams").statusCode()).isEqualTo(502);
		assertThat(this.proxy.get("/influencers/1003/livestreams").statusCode()).isEqualTo(502);

		keyApi.verify(2, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("1003")));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			/influencers/abc/livestreams                         | invalid_user_id
			/influencers/123456789012345678901/livestreams       | invalid_user_id
			/influencers/-1/livestreams                          | invalid_user_id
			/influencers/%D9%A1%D9%A2/livestreams                | invalid_user_id
			/influencers/12/livestreams?page=                    | invalid_page
			/influencers/12/livestreams?page=0                   | invalid_page
			/influencers/12/livestreams?page=100001              | invalid_page
			/influencers/12/livestreams?page=+1                  | invalid_page
			/influencers/12/livestreams?page=%2B1                | invalid_page
			/influencers/12/livestreams?page=-1                  | invalid_page
			/influencers/12/livestreams?page=%201                | invalid_page
			/influencers/12/livestreams?page=1&page=1            | invalid_page
			/influencers/12/livestreams?page=%D9%A1              | invalid_page
			/influencers/12/livestreams?page=1.0                 | invalid_page
			/influencers/12/livestreams?size=11                  | invalid_size
			/influencers/12/livestreams?size=0                   | invalid_size
			/influencers/12/livestreams?size=                    | invalid_size
			/influencers/12/livestreams?size=5&size=5            | invalid_size
			/influencers/abc/livestreams?page=0&size=99          | invalid_user_id
			/influencers/12/livestreams?page=0&size=99           | invalid_page
			""")
	void invalidInputIsAProblemNamingTheFirstBadInputAndNeverReachesKeyApi(String path, String code) {
		keyApi.resetRequests();

		HttpResponse<String> response = this.proxy.get(path);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("code").asString()).isEqualTo(code);
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("type").asString()).endsWith(code);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		keyApi.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void validBoundaryInputsAreAccepted() {
		keyApi.stubFor(livestreams("12345678901234567890").willReturn(KeyApiStubs.page("[]")));

		assertThat(this.proxy.get("/influencers/12345678901234567890/livestreams?page=100000&size=1").statusCode())
			.isEqualTo(200);
		assertThat(this.proxy.get("/influencers/12345678901234567890/livestreams?page=1&size=10").statusCode())
			.isEqualTo(200);
	}

	@Test
	void unknownPathsAndWrongMethodsAreProblemsToo() {
		HttpResponse<String> notFound = this.proxy.get("/nothing/here");
		HttpResponse<String> wrongMethod = this.proxy.request("POST", "/influencers/12/livestreams");

		assertThat(notFound.statusCode()).isEqualTo(404);
		assertThat(notFound.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(notFound.body()).get("code").asString()).isEqualTo("not_found");
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
		assertThat(wrongMethod.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(wrongMethod.body()).get("code").asString()).isEqualTo("method_not_allowed");
	}

	@Test
	void probesAreUpWhileKeyApiIsDown() {
		keyApi.stubFor(livestreams("1004").willReturn(KeyApiStubs.vendorError(500)));
		this.proxy.get("/influencers/1004/livestreams");

		assertThat(this.proxy.management("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(this.proxy.management("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(this.proxy.management("/actuator/health").statusCode()).isEqualTo(200);
	}

}
