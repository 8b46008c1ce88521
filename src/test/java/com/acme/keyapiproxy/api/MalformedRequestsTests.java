package com.acme.keyapiproxy.api;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;
import com.acme.keyapiproxy.support.RawHttp;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Malformed and abusive requests, sent as raw bytes (HTTP clients refuse to send most of
 * them): every one is refused with a problem of the API's format and a 4xx (505 for an
 * HTTP version the server does not speak), never reaches KeyAPI, and logs nothing at
 * ERROR.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestsTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PAGE = "/influencers/7288986759428588590/livestreams";

	/** Sent with every request, and never to be seen in a log line. */
	private static final String TOKEN = "Bearer never-logged-3f9a1c";

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	private RawHttp raw;

	@BeforeEach
	void stubKeyApiAndConnect() {
		// A page for any request: had one got through, it would be answered (and counted)
		// rather than fail.
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		this.raw = new RawHttp(this.port);
	}

	static Stream<Arguments> malformedRequests() {
		return Stream.of(
				refused("an over-long path", get("/influencers/" + "1".repeat(9000) + "/livestreams"), 414,
						"request_too_large"),
				refused("an over-long query", get(PAGE + "?page=1&x=" + "a".repeat(9000)), 414, "request_too_large"),
				refused("200 header fields", request("GET " + PAGE + " HTTP/1.1", headers(200)), 431,
						"request_too_large"),
				refused("a 9 KB header field", request("GET " + PAGE + " HTTP/1.1", "X-Big: " + "b".repeat(9 * 1024)),
						431, "request_too_large"),
				refused("invalid UTF-8 in the path", request("GET /influencers/\u00ff\u00fe/livestreams HTTP/1.1"), 400,
						"invalid_request"),
				refused("percent-encoded invalid UTF-8 in the path", get("/influencers/%FF%FE/livestreams"), 400,
						"invalid_request"),
				refused("an encoded NUL in the path", get("/influencers/12%00/livestreams"), 400, "invalid_request"),
				refused("a raw NUL in the path", request("GET /influencers/12\u0000/livestreams HTTP/1.1"), 400,
						"invalid_request"),
				refused("an encoded slash in the path", get("/influencers/1%2F2/livestreams"), 400, "invalid_request"),
				refused("an encoded backslash in the path", get("/influencers/1%5C2/livestreams"), 400,
						"invalid_request"),
				refused("a path climbing out of the root", get("/influencers/../../etc/passwd"), 400,
						"invalid_request"),
				refused("no Host",
						("GET " + PAGE + " HTTP/1.1\r\nAuthorization: " + TOKEN + "\r\nConnection: close\r\n\r\n")
							.getBytes(StandardCharsets.ISO_8859_1),
						400, "invalid_request"),
				refused("two Hosts", request("GET " + PAGE + " HTTP/1.1", "Host: other"), 400, "invalid_request"),
				refused("an HTTP/2.0 request line", request("GET " + PAGE + " HTTP/2.0"), 505,
						"http_version_not_supported"),
				refused("a request line that is no request line", request("GARBAGE"), 400, "invalid_request"),
				refused("a method that is not a token", request("G(T " + PAGE + " HTTP/1.1"), 400, "invalid_request"),
				refused("a header name with a space", request("GET " + PAGE + " HTTP/1.1", "Bad Header: 1"), 400,
						"invalid_request"),
				refused("a Content-Length that is no number",
						request("GET " + PAGE + " HTTP/1.1", "Content-Length: abc"), 400, "invalid_request"),
				refused("an unknown Transfer-Encoding",
						request("GET " + PAGE + " HTTP/1.1", "Transfer-Encoding: bogus"), 400, "invalid_request"),
				refused("TRACE", request("TRACE " + PAGE + " HTTP/1.1"), 405, "method_not_allowed"),
				refused("1001 query parameters", get(PAGE + "?" + parameters(1001)), 400, "invalid_request"),
				refused("1001 query parameters, no-cache",
						get(PAGE + "?" + parameters(1001), "Cache-Control: no-cache"), 400, "invalid_request"),
				malformedQuery("page=2&=null"), malformedQuery("page=%zz"), malformedQuery("size=%E0%A4%A"),
				malformedQuery("="), malformedQuery("page=%FF"))
			.flatMap((cases) -> cases);
	}

	@ParameterizedTest
	@MethodSource("malformedRequests")
	void isRefusedWithAProblemNeverReachesKeyApiAndLogsNoError(byte[] request, int status, String code,
			CapturedOutput output) {
		RawHttp.Response response = this.raw.send(request);

		assertThat(response.status()).as("status of %s", response).isEqualTo(status);
		assertThat(response.header("Content-Type")).as("%s", response).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("type").asString()).isEqualTo("urn:keyapi-proxy:problem:" + code);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(problem.get("code").asString()).isEqualTo(code);
		keyApi.verify(0, anyRequestedFor(anyUrl()));
		assertThat(output.getAll()).doesNotContainPattern("(?m)^\\S+\\s+ERROR\\s").doesNotContain("never-logged");
	}

	/**
	 * The management server is a Tomcat of its own (its own port), with the same
	 * refusals.
	 */
	static Stream<Arguments> malformedForTheManagementPort() {
		return Stream
			.of(refused("an HTTP/2.0 request line", request("GET /actuator/health HTTP/2.0"), 505,
					"http_version_not_supported"),
					refused("a raw NUL in the path", request("GET /actuator/\u0000health HTTP/1.1"), 400,
							"invalid_request"),
					refused("200 header fields", request("GET /actuator/health HTTP/1.1", headers(200)), 431,
							"request_too_large"),
					refused("an over-long path", get("/actuator/" + "h".repeat(9000)), 414, "request_too_large"))
			.flatMap((cases) -> cases);
	}

	@ParameterizedTest
	@MethodSource("malformedForTheManagementPort")
	void isRefusedOnTheManagementPortWithTheSameProblem(byte[] request, int status, String code) {
		RawHttp.Response response = new RawHttp(this.managementPort).send(request);

		assertThat(response.status()).as("status of %s", response).isEqualTo(status);
		assertThat(response.header("Content-Type")).as("%s", response).hasValue("application/problem+json");
		assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
	}

	private static Stream<Arguments> refused(String name, byte[] request, int status, String code) {
		return Stream.of(argumentSet(name + " -> " + status + " " + code, request, status, code));
	}

	/**
	 * Malformed for Tomcat's query decoding: on the hit path, and (with a directive) past
	 * it to the controller.
	 */
	private static Stream<Arguments> malformedQuery(String query) {
		return Stream.concat(refused("?" + query, get(PAGE + "?" + query), 400, "invalid_request"),
				refused("?" + query + ", no-cache", get(PAGE + "?" + query, "Cache-Control: no-cache"), 400,
						"invalid_request"));
	}

	private static byte[] get(String target, String... headers) {
		return request("GET " + target + " HTTP/1.1", headers);
	}

	/**
	 * Bytes beyond ASCII in the request line go on the wire as they are (ISO-8859-1 maps
	 * chars to bytes 1:1).
	 */
	private static byte[] request(String requestLine, String... headers) {
		StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nAuthorization: ")
			.append(TOKEN)
			.append("\r\nConnection: close\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String[] headers(int count) {
		String[] headers = new String[count];
		for (int i = 0; i < count; i++) {
			headers[i] = "X-Flood-" + i + ": 1";
		}
		return headers;
	}

	private static String parameters(int count) {
		StringBuilder query = new StringBuilder();
		for (int i = 0; i < count; i++) {
			query.append((i == 0) ? "" : "&").append("p").append(i).append("=1");
		}
		return query.toString();
	}

}
