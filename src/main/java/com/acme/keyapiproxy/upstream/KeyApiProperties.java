package com.acme.keyapiproxy.upstream;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach KeyAPI and how gently. Validated once at start: a bad value stops the
 * start and names itself.
 *
 * @param baseUrl KeyAPI's origin
 * @param apiKey the shared key; never logged, never shown ({@link #toString()} masks it)
 * @param timeout one upstream attempt, connect to last byte
 * @param rateLimit upstream attempts per second and the longest a miss waits for a slot
 * @param retry attempts per miss and their backoff
 * @param circuitBreaker when misses stop calling KeyAPI for a while
 * @param quotaCooldown after a vendor 402, how long misses are refused without a call
 */
@Validated
@ConfigurationProperties("keyapi")
public record KeyApiProperties(@DefaultValue("https://api.keyapi.ai") @NotNull URI baseUrl, @NotBlank(
		message = "is not set: export KEYAPI_API_KEY=<your KeyAPI key> (or run locally with 'mvn spring-boot:test-run')") String apiKey,
		@DefaultValue("10s") @NotNull @DurationMin(nanos = 1, message = "must be a positive duration") Duration timeout,
		@DefaultValue @Valid RateLimit rateLimit, @DefaultValue @Valid Retry retry,
		@DefaultValue @Valid CircuitBreaker circuitBreaker, @DefaultValue("5m") @NotNull @DurationMin(nanos = 1,
				message = "must be a positive duration") Duration quotaCooldown) {

	/**
	 * The longest one attempt holds the send gate: its timeout, and a second for the
	 * report of its write.
	 */
	public Duration longestSend() {
		return this.timeout.plusSeconds(1);
	}

	/**
	 * The longest a miss can take, every wait bounded: each attempt waits at most
	 * {@code max-wait} and one interval for its turn, then {@code timeout}; between
	 * attempts at most {@code max-backoff}.
	 */
	public Duration longestMiss() {
		int attempts = this.retry.maxAttempts();
		Duration attempt = this.rateLimit.maxWait().plus(this.rateLimit.slowestInterval()).plus(this.timeout);
		return attempt.multipliedBy(attempts).plus(this.retry.maxBackoff().multipliedBy(attempts - 1L));
	}

	/**
	 * @param qps upstream attempts per second, retries included, held in any sliding
	 * second
	 * @param maxWait longest a miss waits for an upstream slot before the caller gets 503
	 * upstream_busy
	 */
	public record RateLimit(
			@DefaultValue("5") @Positive @Max(value = MAX_QPS,
					message = "is above " + MAX_QPS + ", the highest rate this proxy can pace evenly") double qps,
			@DefaultValue("5s") @NotNull @DurationMin(nanos = 1,
					message = "must be a positive duration") Duration maxWait) {

		/**
		 * The highest qps whose requests this proxy delivers within 5 % of it, evenly
		 * spaced (bench/pacing.sh).
		 */
		public static final long MAX_QPS = 50;

		/**
		 * The interval at the lowest rate KeyAPI's refusals can bring the proxy down to.
		 */
		Duration slowestInterval() {
			return Duration.ofNanos(AdaptiveRate.intervalNanos(this.qps * LearnedLimit.FLOOR));
		}

	}

	/**
	 * @param maxAttempts attempts per miss, the first included
	 * @param initialBackoff wait before the second attempt; doubles each time, with
	 * jitter
	 * @param maxBackoff longest wait between attempts, a vendor Retry-After included
	 */
	public record Retry(@DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
			@DefaultValue("200ms") @NotNull @DurationMin(nanos = 1,
					message = "must be a positive duration") Duration initialBackoff,
			@DefaultValue("5s") @NotNull @DurationMin(nanos = 1,
					message = "must be a positive duration") Duration maxBackoff) {

		public Retry {
			if (initialBackoff != null && maxBackoff != null && initialBackoff.compareTo(maxBackoff) > 0) {
				throw new IllegalArgumentException(
						"keyapi.retry.initial-backoff (" + initialBackoff + ") is above keyapi.retry.max-backoff ("
								+ maxBackoff + "): the first wait cannot exceed the longest");
			}
		}

	}

	/**
	 * @param failureRate percent of failed misses in the window that opens the circuit
	 * @param window misses looked at
	 * @param minimumCalls misses needed before the rate counts
	 * @param openFor how long misses fail fast before one probe is let through
	 */
	public record CircuitBreaker(@DefaultValue("50") @Min(1) @Max(100) int failureRate,
			@DefaultValue("20") @Min(1) int window, @DefaultValue("10") @Min(1) int minimumCalls,
			@DefaultValue("30s") @NotNull @DurationMin(nanos = 1,
					message = "must be a positive duration") Duration openFor) {
	}

	@Override
	public String toString() {
		return "KeyApiProperties[baseUrl=" + baseUrl + ", apiKey=******, timeout=" + timeout + ", rateLimit="
				+ rateLimit + ", retry=" + retry + ", circuitBreaker=" + circuitBreaker + ", quotaCooldown="
				+ quotaCooldown + "]";
	}

}
