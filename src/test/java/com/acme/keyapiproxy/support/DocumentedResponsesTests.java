package com.acme.keyapiproxy.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check every integration test's answers go through catches drift, against the real
 * docs/openapi.yaml.
 */
class DocumentedResponsesTests {

	private static final String PAGE_PATH = "/influencers/7288986759428588590/livestreams";

	private static final String PAGE = """
			{"user_id":"7288986759428588590","page":1,"size":10,"items":[{"room_id":"7321509771910417194"}],
			 "has_more":false,"fetched_at":"2026-11-24T19:00:00Z","upstream_request_id":null}""";

	private static final String USAGE = """
			{"team":"alpha","period":"2026-11","credits_spent":12,"credits_limit":100,"credits_remaining":88,
			 "organisation":{"credits_spent":40,"credits_limit":null}}""";

	private final DocumentedResponses description = DocumentedResponses.checkedIn();

	@Test
	void aPageAsTheContractGivesItConforms() {
		assertThat(this.description.violations(page(200, PAGE))).isEmpty();
		assertThat(this.description.violations(usage(USAGE))).isEmpty();
	}

	@Test
	void aFieldOfTheWrongTypeIsCaught() {
		assertThat(this.description.violations(page(200, PAGE.replace("\"page\":1", "\"page\":\"1\""))))
			.singleElement(InstanceOfAssertFactories.STRING)
			.contains("body /page", "integer");
		assertThat(
				this.description.violations(usage(USAGE.replace("\"credits_limit\":100", "\"credits_limit\":\"100\""))))
			.anySatisfy((violation) -> assertThat(violation).contains("body /credits_limit"));
	}

	@Test
	void aMissingFieldAndAMalformedTimestampAreCaught() {
		assertThat(this.description.violations(page(200, PAGE.replace("\"has_more\":false,", ""))))
			.anySatisfy((violation) -> assertThat(violation).contains("has_more"));
		assertThat(this.description.violations(page(200, PAGE.replace("2026-11-24T19:00:00Z", "2026-11-24 19:00"))))
			.anySatisfy((violation) -> assertThat(violation).contains("body /fetched_at"));
	}

	@Test
	void anUndocumentedStatusIsCaught() {
		assertThat(this.description.violations(problem("GET", PAGE_PATH, 418, "not_cached")))
			.singleElement(InstanceOfAssertFactories.STRING)
			.contains("status 418 is not documented for GET /influencers/{userId}/livestreams");
	}

	@Test
	void aCodeTheStatusDoesNotCarryIsCaught() {
		assertThat(this.description.violations(problem("GET", PAGE_PATH, 400, "not_cached")))
			.anySatisfy((violation) -> assertThat(violation).contains("body /code"));
		assertThat(this.description.violations(problem("GET", PAGE_PATH, 400, "invalid_page"))).isEmpty();
	}

	@Test
	void aMissingOrMalformedHeaderIsCaught() {
		ObservedResponse withoutCacheStatus = page(200, PAGE);
		withoutCacheStatus.headers().remove("cache-status");
		assertThat(this.description.violations(withoutCacheStatus))
			.containsExactly("header Cache-Status is required but absent");

		ObservedResponse wordyCharge = page(200, PAGE);
		wordyCharge.headers().put("credits-charged", List.of("one"));
		assertThat(this.description.violations(wordyCharge)).singleElement(InstanceOfAssertFactories.STRING)
			.startsWith("header Credits-Charged: one:");
	}

	@Test
	void oneOfTheProxysHeadersWhereTheStatusDoesNotDeclareItIsCaught() {
		ObservedResponse badGateway = problem("GET", PAGE_PATH, 502, "upstream_bad_response");
		badGateway.headers().put("retry-after", List.of("5"));

		assertThat(this.description.violations(badGateway))
			.containsExactly("header retry-after is sent but not documented for this status");
	}

	@Test
	void theWrongContentTypeOrABodyWhereNoneIsDocumentedIsCaught() {
		ObservedResponse html = problem("GET", "/usage", 401, "unauthenticated");
		html.headers().put("content-type", List.of("text/html;charset=utf-8"));
		assertThat(this.description.violations(html))
			.anySatisfy((violation) -> assertThat(violation).startsWith("content type text/html is not documented"));

		assertThat(this.description.violations(page(200, "")))
			.containsExactly("no body is sent where one is documented (application/json)");

		ObservedResponse notModified = page(304, "{}");
		notModified.headers().remove("content-type");
		assertThat(this.description.violations(notModified))
			.containsExactly("a body is sent where none is documented: {}");
	}

	@Test
	void pathsAndMethodsOutsideTheDescriptionMustBeItsNotFoundAndMethodNotAllowed() {
		assertThat(this.description.violations(problem("GET", "/nowhere", 404, "not_found"))).isEmpty();
		assertThat(this.description.violations(problem("POST", "/usage", 405, "method_not_allowed"))).isEmpty();
		assertThat(this.description.violations(problem("GET", "/nowhere", 400, "invalid_request")))
			.containsExactly("no documented path matches /nowhere, so it must answer 404 "
					+ "(components.responses.NotFound) or 405 (components.responses.MethodNotAllowed), not 400");
		assertThat(this.description.violations(problem("TRACE", "/", 405, "method_not_allowed"))).isEmpty();
		assertThat(this.description.violations(problem("PUT", "/usage", 404, "not_found")))
			.singleElement(InstanceOfAssertFactories.STRING)
			.isEqualTo("PUT is not documented for /usage, so it must answer 405 "
					+ "(components.responses.MethodNotAllowed), not 404");
	}

	@Test
	void aHeadAnswerIsCheckedForStatusAndHeadersOnly() {
		ObservedResponse head = page(200, "");
		ObservedResponse headOfAPage = new ObservedResponse("HEAD", PAGE_PATH, 200, head.headers(), "");
		assertThat(this.description.violations(headOfAPage)).isEmpty();

		ObservedResponse spent = new ObservedResponse("HEAD", PAGE_PATH, 502, jsonHeaders("application/problem+json"),
				"");
		assertThat(this.description.violations(spent)).singleElement(InstanceOfAssertFactories.STRING)
			.startsWith("status 502 is not documented for HEAD");
	}

	@Test
	void aFailedCheckNamesEveryDrift() {
		ObservedResponse drifted = page(200, PAGE.replace("\"size\":10", "\"size\":11"));
		drifted.headers().remove("etag");

		assertThatThrownBy(() -> this.description.assertDocuments(drifted))
			.isInstanceOf(DocumentedResponses.UndocumentedResponse.class)
			.hasMessageContaining("header ETag is required but absent")
			.hasMessageContaining("body /size")
			.hasMessageContaining("answer: GET " + PAGE_PATH + " → 200");
	}

	private static ObservedResponse page(int status, String body) {
		Map<String, List<String>> headers = jsonHeaders("application/json");
		headers.put("cache-status", List.of("keyapi-proxy; fwd=miss; stored"));
		headers.put("age", List.of("0"));
		headers.put("etag", List.of("\"3b1f0c\""));
		headers.put("cache-control", List.of("private, max-age=21600"));
		headers.put("credits-charged", List.of("1"));
		return new ObservedResponse("GET", PAGE_PATH, status, headers, body);
	}

	private static ObservedResponse usage(String body) {
		return new ObservedResponse("GET", "/usage", 200, jsonHeaders("application/json"), body);
	}

	private static ObservedResponse problem(String method, String path, int status, String code) {
		Map<String, List<String>> headers = jsonHeaders("application/problem+json");
		if (status == 401) {
			headers.put("www-authenticate", List.of("Bearer realm=\"keyapi-proxy\""));
		}
		String body = "{\"type\":\"urn:keyapi-proxy:problem:" + code + "\",\"title\":\"T\",\"status\":" + status
				+ ",\"detail\":\"d\",\"instance\":\"" + path + "\",\"code\":\"" + code + "\"}";
		return new ObservedResponse(method, path, status, headers, body);
	}

	private static Map<String, List<String>> jsonHeaders(String contentType) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("content-type", List.of(contentType));
		headers.put("date", List.of("Tue, 24 Nov 2026 19:00:00 GMT"));
		return headers;
	}

}
