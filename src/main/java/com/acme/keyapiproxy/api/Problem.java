package com.acme.keyapiproxy.api;

import java.util.Locale;

import org.springframework.http.HttpStatus;

/**
 * An error answer as RFC 9457 problem details, with the {@code code} callers switch on.
 * What the controller's advice answers through Spring's {@code ProblemDetail}, and what
 * the writers outside Spring MVC (Spring's error path, Tomcat's refusals) render from
 * this record: the same five fields either way.
 */
record Problem(String type, String title, int status, String detail, String code) {

	static final String TYPE_PREFIX = "urn:keyapi-proxy:problem:";

	static Problem of(int status, String code, String detail) {
		HttpStatus known = HttpStatus.resolve(status);
		String title = (known != null) ? known.getReasonPhrase() : "HTTP " + status;
		return new Problem(TYPE_PREFIX + code, title, status, detail, code);
	}

	/** An error known only by its status: Spring's and Tomcat's own refusals. */
	static Problem forStatus(int status) {
		return of(status, codeFor(status), detailFor(status));
	}

	private static String detailFor(int status) {
		return switch (status) {
			case 400 ->
				"The request is malformed (its request line, a header or the query string): it was not processed";
			case 404 -> "Nothing is served at this path";
			case 405 -> "This method is not allowed here";
			case 500 -> "The proxy failed unexpectedly";
			default -> {
				HttpStatus known = HttpStatus.resolve(status);
				yield (known != null) ? known.getReasonPhrase() : "HTTP " + status;
			}
		};
	}

	/**
	 * The code of an error known only by its status: the documented problem's
	 * ({@link DocumentedProblem#forStatusAlone}), else the status's name.
	 */
	static String codeFor(int status) {
		DocumentedProblem documented = DocumentedProblem.forStatusAlone(status);
		if (documented != null) {
			return documented.code();
		}
		if (status == 413) {
			// No path takes a body, so the description lists no 413; should one be
			// answered, it is one more request too large.
			return DocumentedProblem.URI_TOO_LONG.code();
		}
		HttpStatus known = HttpStatus.resolve(status);
		return (known != null) ? known.name().toLowerCase(Locale.ROOT) : "http_" + status;
	}

}
