package com.acme.keyapiproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HTTP to the running proxy (no mocks in between), for what a calling service would
 * see. Every answer from the API port is checked against docs/openapi.yaml
 * ({@link DocumentedResponses}): a test that receives an answer the description does not
 * document fails, naming what drifted.
 */
public final class ProxyClient {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String apiBase;

	private final String managementBase;

	public ProxyClient(int port, int managementPort) {
		this.apiBase = "http://127.0.0.1:" + port;
		this.managementBase = "http://127.0.0.1:" + managementPort;
	}

	public HttpResponse<String> get(String path, String... headers) {
		return documented(send(HttpRequest.newBuilder(URI.create(this.apiBase + path)), headers));
	}

	public HttpResponse<String> request(String method, String path, String... headers) {
		return documented(send(HttpRequest.newBuilder(URI.create(this.apiBase + path))
			.method(method, HttpRequest.BodyPublishers.noBody()), headers));
	}

	public HttpResponse<String> management(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.managementBase + path)));
	}

	public HttpResponse<String> management(String method, String path, String... headers) {
		return send(HttpRequest.newBuilder(URI.create(this.managementBase + path))
			.method(method, HttpRequest.BodyPublishers.noBody()), headers);
	}

	/**
	 * A management operation with the operator's token ({@link Operator}), as the
	 * operators run it.
	 */
	public HttpResponse<String> asOperator(String method, String path) {
		return management(method, path, "Authorization", "Bearer " + Operator.TOKEN);
	}

	/** The value of one Prometheus sample, 0 when absent. */
	public double metric(String name, String labels) {
		String scrape = management("/actuator/prometheus").body();
		double total = 0;
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$").matcher(scrape);
		while (matcher.find()) {
			String sampleLabels = (matcher.group(1) != null) ? matcher.group(1) : "";
			if (sampleLabels.contains(labels)) {
				total += Double.parseDouble(matcher.group(2));
			}
		}
		return total;
	}

	private static HttpResponse<String> documented(HttpResponse<String> answer) {
		DocumentedResponses.checkedIn().assertDocuments(ObservedResponse.of(answer));
		return answer;
	}

	private static HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
		if (headers.length > 0) {
			request.headers(headers);
		}
		try {
			return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
