package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/** A single instance's permits: a Resilience4j {@link RateLimiter} of one permit per interval. */
final class LocalUpstreamPermits implements UpstreamPermits {

	private final RateLimiter limiter;

	LocalUpstreamPermits(RateLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public Duration interval() {
		return this.limiter.getRateLimiterConfig().getLimitRefreshPeriod();
	}

	@Override
	public long reserve() {
		return Math.max(0, this.limiter.reservePermission());
	}

	@Override
	public long nanosUntilFree() {
		return (this.limiter instanceof AtomicRateLimiter atomic)
				? Math.max(0, atomic.getDetailedMetrics().getNanosToWait()) : 0;
	}

}
