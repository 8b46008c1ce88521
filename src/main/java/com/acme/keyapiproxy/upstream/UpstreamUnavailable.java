package com.acme.keyapiproxy.upstream;

import java.time.Duration;

/**
 * KeyAPI failed on every attempt (5xx, 429, connection errors), or the circuit is open.
 */
public final class UpstreamUnavailable extends UpstreamFailure {

	UpstreamUnavailable(String message, Duration retryAfter) {
		super(message, retryAfter);
	}

}
