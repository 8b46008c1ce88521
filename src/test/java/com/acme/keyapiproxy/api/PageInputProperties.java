package com.acme.keyapiproxy.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.ColdProxy;
import com.acme.keyapiproxy.support.DocumentedResponses;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ObservedResponse;
import com.acme.keyapiproxy.support.RawHttp;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Generated page requests, valid and invalid (digits, signs, spaces, non-ASCII digits,
 * empty and repeated parameters, percent-encodings good and broken), at a running proxy,
 * judged against the contract's input rules: a valid request gets 200, an invalid one the
 * contract's 400 problem naming the first bad input, and never reaches KeyAPI.
 * QuickTheories generates them and, when one fails, shrinks it to the simplest request
 * that still fails.
 */
@Tag("integration")
class PageInputProperties {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	private static ColdProxy proxy;

	private static RawHttp raw;

	@BeforeAll
	static void startProxy() {
		proxy = ColdProxy.start(keyApi.baseUrl(), "keyapi.rate-limit.qps=50");
		raw = new RawHttp(proxy.port());
	}

	@AfterAll
	static void stopProxy() {
		proxy.close();
	}

	@Test
	void answersAsTheInputRulesSay() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
		Map<String, Integer> verdicts = new TreeMap<>();
		qt().withExamples(200).forAll(pageRequests()).checkAssert((request) -> {
			verdicts.merge(Objects.requireNonNullElse(request.expectedCode(), "valid"), 1, Integer::sum);
			answersAsTheInputRulesSay(request);
		});
		assertThat(verdicts).as("the generated requests cover every verdict")
			.containsOnlyKeys("valid", "invalid_user_id", "invalid_request", "invalid_page", "invalid_size");
	}

	/**
	 * The same requests, as GET or HEAD, with generated request headers (cache directives
	 * good and bad, validators, priorities, tokens): every answer is one
	 * docs/openapi.yaml documents for the operation, every error a problem, and invalid
	 * input never reaches KeyAPI whatever the headers say.
	 */
	@Test
	void withAnyHeadersEveryAnswerIsDocumentedAndInvalidInputNeverReachesKeyApi() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
		DocumentedResponses description = DocumentedResponses.checkedIn();
		Map<Integer, Integer> statuses = new TreeMap<>();
		qt().withExamples(200)
			.forAll(pageRequests(), Generate.pick(List.of("GET", "GET", "HEAD")), requestHeaders())
			.checkAssert((request, method, headers) -> {
				long keyApiCallsBefore = keyApiCalls();

				RawHttp.Response response = raw.send(request.bytes(method, headers));

				statuses.merge(response.status(), 1, Integer::sum);
				String seen = method + " " + request.target() + " " + headers + " -> " + response;
				description.assertDocuments(new ObservedResponse(method, request.rawPath(), response.status(),
						headersOf(response), response.body()));
				if (response.status() >= 400 && "GET".equals(method)) {
					assertThat(response.header("Content-Type")).as(seen).hasValue("application/problem+json");
					JsonNode problem = JSON.readTree(response.body());
					assertThat(problem.properties().stream().map(Map.Entry::getKey)).as(seen)
						.contains("type", "title", "status", "detail", "code");
				}
				if ("HEAD".equals(method)) {
					assertThat(keyApiCalls()).as("KeyAPI calls for %s: HEAD never spends", seen)
						.isEqualTo(keyApiCallsBefore);
				}
				if (request.expectedCode() != null) {
					assertThat(response.status()).as(seen).isEqualTo(400);
					assertThat(keyApiCalls()).as("KeyAPI calls for %s", seen).isEqualTo(keyApiCallsBefore);
				}
			});
		assertThat(statuses).as("the generated requests reach answers and refusals").containsKeys(200, 400);
	}

	/** Zero to three request headers, each well-formed or not. */
	private static Gen<List<String>> requestHeaders() {
		Gen<String> header = Generate.pick(List.of("Cache-Control: no-cache", "Cache-Control: max-age=0",
				"Cache-Control: max-age=3600", "Cache-Control: only-if-cached", "Cache-Control: max-age=-1",
				"Cache-Control: max-age=abc", "Cache-Control: ,,", "If-None-Match: \"nope\"", "If-None-Match: *",
				"If-None-Match: garbage", "Priority: u=0", "Priority: u=7", "Priority: u=9", "Priority: i",
				"Priority: ???", "Authorization: Bearer whatever", "Authorization: Basic Zm9vOmJhcg==",
				"Accept: application/json", "Accept: text/html", "X-Anything: \u00e9t\u00e9"));
		return lists().of(header).ofSizeBetween(0, 3);
	}

	private static Map<String, List<String>> headersOf(RawHttp.Response response) {
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (String line : response.headerLines()) {
			int colon = line.indexOf(':');
			headers.computeIfAbsent(line.substring(0, colon).trim(), (name) -> new ArrayList<>())
				.add(line.substring(colon + 1).trim());
		}
		return headers;
	}

	private void answersAsTheInputRulesSay(PageRequestOnTheWire request) {
		long keyApiCallsBefore = keyApiCalls();

		RawHttp.Response response = raw.send(request.bytes());

		String code = request.expectedCode();
		if (code == null) {
			assertThat(response.status()).as("%s -> %s", request.target(), response).isEqualTo(200);
			assertThat(response.header("Content-Type")).hasValue("application/json");
			return;
		}
		assertThat(response.status()).as("%s -> %s", request.target(), response).isEqualTo(400);
		assertThat(response.header("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("code").asString()).as("%s -> %s", request.target(), response).isEqualTo(code);
		assertThat(problem.get("type").asString()).isEqualTo("urn:keyapi-proxy:problem:" + code);
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(keyApiCalls()).as("KeyAPI calls for %s", request.target()).isEqualTo(keyApiCallsBefore);
	}

	private static Gen<PageRequestOnTheWire> pageRequests() {
		Gen<String> extra = Generate.frequency(of(6, Generate.constant("")), of(2, Generate.constant("other=1")),
				of(1, Generate.constant("=x")));
		return userId().zip(occurrences(queryValue(100_000)), occurrences(queryValue(10)), extra,
				PageRequestOnTheWire::new);
	}

	/** A parameter absent, given once, or given twice (which the contract refuses). */
	private static Gen<List<Encoded>> occurrences(Gen<Encoded> value) {
		return Generate.frequency(of(3, Generate.constant(List.of())), of(5, lists().of(value).ofSize(1)),
				of(1, lists().of(value).ofSize(2)));
	}

	private static Gen<Encoded> userId() {
		Gen<Encoded> digits = lists().of(integers().between(0, 9))
			.ofSizeBetween(1, 22)
			.map((figures) -> Encoded.plain(figures.stream().map(String::valueOf).collect(Collectors.joining())));
		Gen<Encoded> token = Generate.pick(List.of(Encoded.plain("7"), new Encoded("%31", "1"), Encoded.plain("-"),
				Encoded.plain("+"), new Encoded("%20", " "), Encoded.plain("a"), new Encoded("%D9%A1", "\u0661"),
				new Encoded("%EF%BC%91", "\uff11")));
		return Generate.frequency(of(5, digits), of(1, lists().of(token).ofSizeBetween(1, 4).map(Encoded::concat)));
	}

	/**
	 * One value of a query parameter as it goes on the wire, and as Tomcat decodes it (or
	 * fails to).
	 */
	private static Gen<Encoded> queryValue(int max) {
		Gen<Encoded> number = integers().between(-2, max + 2).map((n) -> Encoded.plain("" + n));
		Gen<Encoded> token = Generate.pick(List.of(Encoded.plain("5"), new Encoded("%35", "5"), new Encoded("+", " "),
				new Encoded("%20", " "), Encoded.plain("-"), new Encoded("%2B", "+"), new Encoded("%D9%A1", "\u0661"),
				new Encoded("%EF%BC%91", "\uff11"), Encoded.plain("x"), Encoded.plain("."), Encoded.plain("0")));
		Gen<Encoded> wellFormed = Generate.frequency(of(6, number),
				of(2, lists().of(token).ofSizeBetween(0, 4).map(Encoded::concat)));
		Gen<Encoded> broken = Generate.pick(List.of("%zz", "%FF", "%", "%E0%A4", "%C3")).map(Encoded::malformed);
		return Generate.frequency(of(12, wellFormed), of(1, wellFormed.zip(broken, Encoded::then)));
	}

	private static long keyApiCalls() {
		return keyApi.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
	}

	/**
	 * Text on the wire, and what it decodes to: {@code null} when it cannot be decoded.
	 */
	record Encoded(String wire, @Nullable String decoded) {

		static Encoded plain(String text) {
			return new Encoded(text, text);
		}

		static Encoded malformed(String wire) {
			return new Encoded(wire, null);
		}

		static Encoded concat(List<Encoded> parts) {
			Encoded all = plain("");
			for (Encoded part : parts) {
				all = all.then(part);
			}
			return all;
		}

		Encoded then(Encoded next) {
			return new Encoded(this.wire + next.wire,
					(this.decoded == null || next.decoded == null) ? null : this.decoded + next.decoded);
		}

		/**
		 * Valid by the contract: ASCII digits (at most 9, as PageQuery reads them), from
		 * 1 to max.
		 */
		boolean isNumberUpTo(int max) {
			return this.decoded != null && this.decoded.matches("[0-9]{1,9}") && Integer.parseInt(this.decoded) >= 1
					&& Integer.parseInt(this.decoded) <= max;
		}

	}

	record PageRequestOnTheWire(Encoded userId, List<Encoded> pages, List<Encoded> sizes, String extra) {

		String target() {
			List<String> parameters = new ArrayList<>();
			this.pages.forEach((page) -> parameters.add("page=" + page.wire()));
			this.sizes.forEach((size) -> parameters.add("size=" + size.wire()));
			if (!this.extra.isEmpty()) {
				parameters.add(this.extra);
			}
			String query = parameters.isEmpty() ? "" : parameters.stream().collect(Collectors.joining("&", "?", ""));
			return "/influencers/" + this.userId.wire() + "/livestreams" + query;
		}

		byte[] bytes() {
			return bytes("GET", List.of());
		}

		byte[] bytes(String method, List<String> headers) {
			StringBuilder request = new StringBuilder(method).append(' ')
				.append(target())
				.append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
			headers.forEach((header) -> request.append(header).append("\r\n"));
			return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
		}

		String rawPath() {
			return "/influencers/" + this.userId.wire() + "/livestreams";
		}

		/**
		 * The contract's verdict: {@code null} for a valid request, else the code of the
		 * first invalid input.
		 */
		@Nullable String expectedCode() {
			String id = this.userId.decoded();
			if (id == null || !id.matches("[0-9]{1,20}")) {
				return "invalid_user_id";
			}
			boolean malformed = this.extra.startsWith("=")
					|| this.pages.stream().anyMatch((page) -> page.decoded() == null)
					|| this.sizes.stream().anyMatch((size) -> size.decoded() == null);
			if (malformed) {
				return "invalid_request";
			}
			if (!isAbsentOrOneNumber(this.pages, 100_000)) {
				return "invalid_page";
			}
			if (!isAbsentOrOneNumber(this.sizes, 10)) {
				return "invalid_size";
			}
			return null;
		}

		private static boolean isAbsentOrOneNumber(List<Encoded> values, int max) {
			return values.isEmpty() || (values.size() == 1 && values.get(0).isNumberUpTo(max));
		}

	}

}
