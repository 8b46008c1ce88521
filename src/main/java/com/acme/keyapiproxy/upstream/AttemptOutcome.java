package com.acme.keyapiproxy.upstream;

import java.util.List;

/**
 * The {@code status} label of {@code keyapi_proxy_upstream_requests_total} and of the
 * attempt log line: the HTTP status KeyAPI answered, or one of these when it answered
 * nothing.
 */
final class AttemptOutcome {

	static final String IO_ERROR = "io_error";

	static final String TIMEOUT = "timeout";

	/**
	 * KeyAPI's documented answers and the two failures without one. Their series exist
	 * from the start, at zero: Prometheus' {@code increase()} cannot see a series' first
	 * sample, so an alert on a series born at 1 (the first 402, say) would miss that
	 * increment.
	 */
	static final List<String> EXPECTED = List.of("200", "400", "401", "402", "403", "429", "500", IO_ERROR, TIMEOUT);

	private AttemptOutcome() {
	}

}
