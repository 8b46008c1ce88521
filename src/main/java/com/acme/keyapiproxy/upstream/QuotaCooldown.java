package com.acme.keyapiproxy.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * After KeyAPI answers 402 (the account's credits are gone), no miss calls it for
 * {@code keyapi.quota-cooldown}: they are refused at once. When the cooldown is over, one
 * call at a time probes; a 402 starts another cooldown, any other answer from KeyAPI ends
 * it.
 * <p>
 * Thread-safe: every method is synchronized (it is consulted once per miss, at most a few
 * times a second).
 */
final class QuotaCooldown {

	/** What a probe-in-progress tells the callers it turns away. */
	private static final Duration WHILE_PROBING = Duration.ofSeconds(1);

	private final Duration cooldown;

	private final Clock clock;

	private @Nullable Instant coolingUntil;

	private boolean probing;

	QuotaCooldown(Duration cooldown, Clock clock) {
		this.cooldown = cooldown;
		this.clock = clock;
	}

	/**
	 * Lets a miss call KeyAPI, or says why not.
	 * @return {@code true} when this miss is the probe (it must call {@link #probeDone()}
	 * when it ends)
	 * @throws UpstreamQuotaExhausted while cooling down, or while another miss probes
	 */
	synchronized boolean admit() {
		if (this.coolingUntil == null) {
			return false;
		}
		Duration left = Duration.between(this.clock.instant(), this.coolingUntil);
		if (left.compareTo(Duration.ZERO) > 0) {
			throw new UpstreamQuotaExhausted(left);
		}
		if (this.probing) {
			throw new UpstreamQuotaExhausted(WHILE_PROBING);
		}
		this.probing = true;
		return true;
	}

	/** KeyAPI answered 402. */
	synchronized Duration trip() {
		this.coolingUntil = this.clock.instant().plus(this.cooldown);
		return this.cooldown;
	}

	/**
	 * KeyAPI answered something other than 402: its quota is not (or no longer) the
	 * problem.
	 */
	synchronized void clear() {
		this.coolingUntil = null;
	}

	synchronized void probeDone() {
		this.probing = false;
	}

	synchronized @Nullable Instant coolingUntil() {
		return this.coolingUntil;
	}

}
