package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands out upstream slots spaced evenly, one every {@code 1/qps} plus a safety margin, so that KeyAPI never sees more
 * than {@code qps} requests in <em>any</em> sliding second.
 * <p>
 * Why not Resilience4j's {@code AtomicRateLimiter} with one permit per {@code 1/qps} cycle: its permits belong to
 * fixed cycles, so a permit taken at the very end of one cycle and the next at the very start of the following one go
 * out back to back, and six requests fit in one second at qps 5. This is the generic cell rate algorithm instead:
 * each reservation moves "the next free slot" one interval on, which is also exactly the queue that a waiting miss
 * sits behind.
 * <p>
 * Two guards, both lock-free: {@link #reserve()} admits an attempt and says how long it waits (or refuses it when
 * that is longer than the longest wait); {@link #delayBeforeSending()} is checked when the wait is over, so that a
 * timer that fired late can never put two sends closer than the interval.
 * <p>
 * Thread-safe.
 */
final class UpstreamSlots {

	/** A millisecond of network jitter is enough to put two requests inside one vendor second. */
	static final Duration SAFETY_MARGIN = Duration.ofMillis(10);

	private final long intervalNanos;

	private final long maxWaitNanos;

	private final LongSupplier nanoTime;

	private final AtomicLong nextFreeSlot;

	private final AtomicLong lastSend;

	UpstreamSlots(double qps, Duration maxWait, LongSupplier nanoTime) {
		this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / qps) + SAFETY_MARGIN.toNanos();
		this.maxWaitNanos = maxWait.toNanos();
		this.nanoTime = nanoTime;
		long now = nanoTime.getAsLong();
		this.nextFreeSlot = new AtomicLong(now);
		this.lastSend = new AtomicLong(now - this.intervalNanos);
	}

	Duration interval() {
		return Duration.ofNanos(this.intervalNanos);
	}

	/**
	 * Takes the next free slot.
	 * @return how long to wait before sending
	 * @throws UpstreamBusy when the slot is further away than the longest wait; no slot is taken then
	 */
	Duration reserve() {
		while (true) {
			long now = this.nanoTime.getAsLong();
			long nextFree = this.nextFreeSlot.get();
			long slot = Math.max(now, nextFree);
			long wait = slot - now;
			if (wait > this.maxWaitNanos) {
				throw new UpstreamBusy(wholeSecondsAtLeastOne(wait));
			}
			if (this.nextFreeSlot.compareAndSet(nextFree, slot + this.intervalNanos)) {
				return Duration.ofNanos(wait);
			}
		}
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

	/** How long until every slot handed out so far has been used. */
	Duration queueDrainsIn() {
		return Duration.ofNanos(Math.max(0, this.nextFreeSlot.get() - this.nanoTime.getAsLong()));
	}

	private static Duration wholeSecondsAtLeastOne(long nanos) {
		long seconds = (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
		return Duration.ofSeconds(Math.max(1, seconds));
	}

}
