package com.acme.keyapiproxy.api;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Every problem the proxy answers, as the API description lists it: status, the
 * {@code code} callers switch on, and when. The codes are the contract's; a code answered
 * with two statuses ({@code request_too_large}) is listed twice. Also where
 * {@link Problem#codeFor} finds the code of an error known only by its status.
 */
enum DocumentedProblem {

	INVALID_USER_ID(400, "invalid_user_id", "userId is not 1 to 20 ASCII digits; KeyAPI is not called"),

	INVALID_PAGE(400, "invalid_page", "page is not an ASCII decimal from 1 to 100000 given once; KeyAPI is not called"),

	INVALID_SIZE(400, "invalid_size", "size is not an ASCII decimal from 1 to 10 given once; KeyAPI is not called"),

	INVALID_REQUEST(400, "invalid_request",
			"a malformed request line, query string, percent-encoding or header; KeyAPI is not called"),

	UNAUTHENTICATED(401, "unauthenticated", "teams are configured and the bearer token is missing or unknown"),

	NOT_FOUND(404, "not_found", "no such path"),

	METHOD_NOT_ALLOWED(405, "method_not_allowed", "the path does not answer this method"),

	NOT_ACCEPTABLE(406, "not_acceptable", "Accept names no media type the path answers with"),

	URI_TOO_LONG(414, "request_too_large", "the request URI is longer than the proxy reads"),

	TEAM_BUDGET_EXHAUSTED(429, "team_budget_exhausted",
			"the team's monthly credits are spent; Retry-After is the time to the next period (UTC)"),

	ORGANISATION_BUDGET_EXHAUSTED(429, "organisation_budget_exhausted",
			"the organisation's monthly credits are spent; Retry-After is the time to the next period (UTC)"),

	HEADERS_TOO_LARGE(431, "request_too_large", "the request headers are larger than the proxy reads"),

	INTERNAL_ERROR(500, "internal_error", "the proxy failed unexpectedly"),

	UPSTREAM_BAD_RESPONSE(502, "upstream_bad_response", "KeyAPI answered something that is not its documented success"),

	UPSTREAM_AUTH_FAILED(502, "upstream_auth_failed", "KeyAPI refused the proxy's key: an operator problem"),

	UPSTREAM_QUOTA_EXHAUSTED(503, "upstream_quota_exhausted",
			"KeyAPI's account is out of credits (vendor 402), now or within the quota cooldown"),

	UPSTREAM_UNAVAILABLE(503, "upstream_unavailable",
			"KeyAPI failed on every attempt or the circuit is open (in shared mode, also: Redis is unreachable)"),

	UPSTREAM_BUSY(503, "upstream_busy",
			"no upstream slot within keyapi.rate-limit.max-wait, or the remaining credits stayed held by fetches in flight for all of it"),

	UPSTREAM_TIMEOUT(504, "upstream_timeout", "KeyAPI was too slow on every attempt"),

	NOT_CACHED(504, "not_cached",
			"nothing is cached for the page and the request may not spend (only-if-cached, HEAD)"),

	HTTP_VERSION_NOT_SUPPORTED(505, "http_version_not_supported",
			"the request line names an HTTP version other than 1.0 or 1.1");

	/**
	 * What an error known only by its status (Spring's and Tomcat's own refusals) is
	 * answered as, one problem per status; the other statuses have no such problem.
	 */
	private static final Map<Integer, DocumentedProblem> BY_STATUS_ALONE = Stream
		.of(INVALID_REQUEST, UNAUTHENTICATED, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, URI_TOO_LONG,
				HEADERS_TOO_LARGE, INTERNAL_ERROR, HTTP_VERSION_NOT_SUPPORTED)
		.collect(Collectors.toUnmodifiableMap(DocumentedProblem::status, Function.identity()));

	private final int status;

	private final String code;

	private final String when;

	DocumentedProblem(int status, String code, String when) {
		this.status = status;
		this.code = code;
		this.when = when;
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

	String when() {
		return this.when;
	}

	/**
	 * The problem an error known only by this status is answered as, {@code null} when
	 * the status has none (its problems, if any, are the proxy's own decisions, each with
	 * its own code).
	 */
	static @Nullable DocumentedProblem forStatusAlone(int status) {
		return BY_STATUS_ALONE.get(status);
	}

}
