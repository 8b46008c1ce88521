package com.acme.keyapiproxy.sharedstate;

import org.jspecify.annotations.Nullable;

/**
 * Redis could not be reached (or did not answer in time) for state every replica must
 * agree on. A miss that meets it is refused rather than sent to KeyAPI unaccounted; it
 * carries no stack trace, as it is an expected outcome. {@link RedisGuard} names Redis
 * failures so.
 */
public final class SharedStateUnavailable extends RuntimeException {

	public SharedStateUnavailable(String what, @Nullable Throwable cause) {
		super("The shared state (Redis) is unreachable: " + what, cause, false, false);
	}

}
