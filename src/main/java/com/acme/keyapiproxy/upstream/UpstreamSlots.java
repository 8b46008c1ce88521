package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * Hands out upstream slots spaced evenly, one every {@code 1/qps} plus a safety margin, so that KeyAPI never sees more
 * than {@code qps} requests in <em>any</em> sliding second, retries included.
 * <p>
 * Two steps, both lock-free:
 * <ol>
 * <li>{@link #reserve()} admits an attempt through a Resilience4j {@link RateLimiter} of one permit per interval: it
 * queues the attempt behind the ones already admitted and says how long it waits, or refuses it when that is longer
 * than {@code keyapi.rate-limit.max-wait} (no slot is taken then).</li>
 * <li>{@link #delayBeforeSending()} is asked when that wait is over and holds the send until one full interval after
 * the previous send. Resilience4j's permits belong to fixed cycles, so a permit taken at the very end of one cycle and
 * the next one at the very start of the following cycle would go out back to back (six requests fit in one second at
 * qps 5 that way); a timer that fires late would do the same. This step closes both gaps.</li>
 * </ol>
 * Thread-safe.
 */
final class UpstreamSlots {

	/** A millisecond of network jitter is enough to put two requests inside one vendor second. */
	static final Duration SAFETY_MARGIN = Duration.ofMillis(10);

	private final RateLimiter admission;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private final AtomicLong lastSend;

	UpstreamSlots(RateLimiter admission, LongSupplier nanoTime) {
		this.admission = admission;
		this.intervalNanos = admission.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
		this.nanoTime = nanoTime;
		this.lastSend = new AtomicLong(nanoTime.getAsLong() - this.intervalNanos);
	}

	/** The admission limiter's configuration: one permit per {@code 1/qps} plus the margin. */
	static RateLimiterConfig admissionConfig(KeyApiProperties.RateLimit rateLimit) {
		return RateLimiterConfig.custom()
			.limitForPeriod(1)
			.limitRefreshPeriod(interval(rateLimit.qps()))
			.timeoutDuration(rateLimit.maxWait())
			.build();
	}

	static Duration interval(double qps) {
		return Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / qps)).plus(SAFETY_MARGIN);
	}

	/**
	 * Takes the next free slot.
	 * @return how long to wait before sending
	 * @throws UpstreamBusy when the slot is further away than the longest wait; no slot is taken then
	 */
	Duration reserve() {
		long wait = this.admission.reservePermission();
		if (wait < 0) {
			throw new UpstreamBusy(wholeSecondsAtLeastOne(queueDrainsIn()));
		}
		return Duration.ofNanos(wait);
	}

	/**
	 * Called when a reserved slot's wait is over.
	 * @return zero when the request may go now (and it is recorded as sent), else how much longer to wait
	 */
	Duration delayBeforeSending() {
		while (true) {
			long now = this.nanoTime.getAsLong();
			long last = this.lastSend.get();
			long earliest = last + this.intervalNanos;
			if (now < earliest) {
				return Duration.ofNanos(earliest - now);
			}
			if (this.lastSend.compareAndSet(last, now)) {
				return Duration.ZERO;
			}
		}
	}

	/** How long until every slot handed out so far has been used: the wait a new attempt would face. */
	Duration queueDrainsIn() {
		if (this.admission instanceof AtomicRateLimiter atomic) {
			return Duration.ofNanos(Math.max(0, atomic.getDetailedMetrics().getNanosToWait()));
		}
		int queued = -this.admission.getMetrics().getAvailablePermissions();
		return Duration.ofNanos(Math.max(0, queued) * this.intervalNanos);
	}

	private static Duration wholeSecondsAtLeastOne(Duration duration) {
		long seconds = duration.getSeconds() + ((duration.getNano() > 0) ? 1 : 0);
		return Duration.ofSeconds(Math.max(1, seconds));
	}

}
