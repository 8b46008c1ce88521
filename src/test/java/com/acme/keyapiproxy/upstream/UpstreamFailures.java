package com.acme.keyapiproxy.upstream;

import java.time.Duration;

/**
 * KeyAPI's failures as the client raises them, for unit tests of the packages that handle
 * them (their constructors are this package's).
 */
public final class UpstreamFailures {

	private UpstreamFailures() {
	}

	/** Attempts exhausted on 5xx, 429 or I/O errors. */
	public static UpstreamFailure unavailable() {
		return new UpstreamUnavailable("KeyAPI answered 500 on every attempt", Duration.ofSeconds(1));
	}

	/** KeyAPI's answer was not its documented success. */
	public static UpstreamFailure badResponse() {
		return new UpstreamBadResponse("code != 0");
	}

}
