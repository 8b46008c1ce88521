package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import org.jspecify.annotations.Nullable;

/**
 * Which attempts are repeated and after how long: only {@link FailedAttempt}s (429, 500,
 * 502, 503, 504, connection errors, timeouts — never 400/401/402/403 or a malformed
 * answer), exponentially spaced with jitter, never sooner than a vendor
 * {@code Retry-After}. A {@code Retry-After} longer than {@code max-backoff} ends the
 * retrying: waiting less would be trying sooner than KeyAPI asked, waiting more would
 * hold the caller too long.
 */
final class UpstreamRetryPolicy {

	private final KeyApiProperties.Retry settings;

	UpstreamRetryPolicy(KeyApiProperties.Retry settings) {
		this.settings = settings;
	}

	RetryConfig config() {
		return RetryConfig.custom()
			.maxAttempts(this.settings.maxAttempts())
			.retryOnException(this::worthRetrying)
			.intervalBiFunction(
					(Integer attempt, Either<Throwable, Object> outcome) -> delayAfter(attempt, outcome).toMillis())
			.build();
	}

	boolean worthRetrying(Throwable failure) {
		if (!(failure instanceof FailedAttempt attempt)) {
			return false;
		}
		Duration retryAfter = attempt.retryAfter();
		return retryAfter == null || retryAfter.compareTo(this.settings.maxBackoff()) <= 0;
	}

	/**
	 * Exponential from {@code initial-backoff} with "equal jitter" (half fixed, half
	 * random), capped.
	 */
	Duration delayAfter(int attempt, Either<Throwable, ?> outcome) {
		long initial = this.settings.initialBackoff().toMillis();
		long max = this.settings.maxBackoff().toMillis();
		long exponential = Math.min(max, initial << Math.min(attempt - 1, 20));
		long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
		Duration retryAfter = vendorRetryAfter(outcome);
		long wait = (retryAfter != null) ? Math.max(jittered, retryAfter.toMillis()) : jittered;
		return Duration.ofMillis(Math.min(wait, max));
	}

	private static @Nullable Duration vendorRetryAfter(Either<Throwable, ?> outcome) {
		return (outcome.isLeft() && outcome.getLeft() instanceof FailedAttempt attempt) ? attempt.retryAfter() : null;
	}

}
