package com.acme.keyapiproxy.budget;

import java.time.Duration;

/**
 * A miss found every credit its team (or the organisation) has left held by fetches in
 * flight, and none came back within {@code keyapi.rate-limit.max-wait}. Not an exhausted
 * budget: the credits may come back in a moment, so the caller is told to retry soon, not
 * next month.
 */
public final class CreditsStillHeld extends RuntimeException {

	/**
	 * The fetches holding the credits are in flight; a failed one gives its credit back
	 * when it ends.
	 */
	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	CreditsStillHeld(String whose, Duration waited) {
		super("Every credit " + whose + " has left this month is held by fetches in flight, and none came back within "
				+ waited.toMillis() + "ms", null, false, false);
	}

	public Duration retryAfter() {
		return RETRY_AFTER;
	}

}
