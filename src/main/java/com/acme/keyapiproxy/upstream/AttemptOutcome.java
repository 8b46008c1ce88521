package com.acme.keyapiproxy.upstream;

/**
 * The {@code status} label of {@code keyapi_proxy_upstream_requests_total} and of the attempt log line: the HTTP
 * status KeyAPI answered, or one of these when it answered nothing.
 */
final class AttemptOutcome {

	static final String IO_ERROR = "io_error";

	static final String TIMEOUT = "timeout";

	private AttemptOutcome() {
	}

}
