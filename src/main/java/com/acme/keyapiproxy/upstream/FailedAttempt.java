package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One attempt that is worth repeating: KeyAPI answered 429/500/502/503/504, could not be
 * reached, or was too slow.
 *
 * @see UpstreamRetryPolicy
 */
final class FailedAttempt extends RuntimeException {

	private final String outcome;

	private final @Nullable Duration retryAfter;

	FailedAttempt(String outcome, @Nullable Duration retryAfter) {
		super("KeyAPI attempt failed: " + outcome, null, false, false);
		this.outcome = outcome;
		this.retryAfter = retryAfter;
	}

	/**
	 * The attempt's status label: the HTTP status, {@code io_error} or {@code timeout}.
	 */
	String outcome() {
		return this.outcome;
	}

	boolean timedOut() {
		return AttemptOutcome.TIMEOUT.equals(this.outcome);
	}

	@Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
