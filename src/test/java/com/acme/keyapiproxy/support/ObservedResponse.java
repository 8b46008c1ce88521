package com.acme.keyapiproxy.support;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One answer as a caller saw it, with the request it answered: what
 * {@link DocumentedResponses} checks.
 *
 * @param method the request's method
 * @param path the request's raw path, without the query
 * @param status the answer's status
 * @param headers the answer's headers (names compared without regard to case)
 * @param body the answer's body, empty when it had none
 */
public record ObservedResponse(String method, String path, int status, Map<String, List<String>> headers, String body) {

	public static ObservedResponse of(HttpResponse<String> response) {
		return new ObservedResponse(response.request().method(), response.request().uri().getRawPath(),
				response.statusCode(), response.headers().map(), (response.body() != null) ? response.body() : "");
	}

	public Optional<String> header(String name) {
		return this.headers.entrySet()
			.stream()
			.filter((header) -> header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty())
			.map((header) -> header.getValue().get(0))
			.findFirst();
	}

	@Override
	public String toString() {
		String shownBody = (this.body.length() > 2000) ? this.body.substring(0, 2000) + "…" : this.body;
		return this.method + " " + this.path + " → " + this.status + " " + this.headers + " " + shownBody;
	}

}
