package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A single instance's {@link SendGate}, on {@code System.nanoTime()}. Thread-safe:
 * synchronized, no callbacks.
 */
final class LocalSendGate implements SendGate {

	private final LongSupplier nanoTime;

	private boolean held;

	private long lastSentAt;

	private long pausedUntil;

	LocalSendGate(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		this.lastSentAt = nanoTime.getAsLong() - Duration.ofDays(1).toNanos();
		this.pausedUntil = this.lastSentAt;
	}

	@Override
	public synchronized long tryTake(long intervalNanos, long ticket) {
		if (this.held) {
			throw new IllegalStateException("The send gate is taken already: one send at a time");
		}
		long wait = nanosUntilFree(intervalNanos);
		if (wait > 0) {
			return wait;
		}
		this.held = true;
		return 0;
	}

	@Override
	public synchronized long release(long sentAtNanos) {
		this.held = false;
		if (sentAtNanos == Long.MIN_VALUE) {
			return -1;
		}
		long sinceLast = sentAtNanos - this.lastSentAt;
		if (sinceLast > 0) {
			this.lastSentAt = sentAtNanos;
		}
		return sinceLast;
	}

	@Override
	public synchronized void pause(Duration wait) {
		long until = this.nanoTime.getAsLong() + wait.toNanos();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
		}
	}

	@Override
	public synchronized long nanosUntilFree(long intervalNanos) {
		long now = this.nanoTime.getAsLong();
		long free = Math.max(this.lastSentAt + intervalNanos - now, this.pausedUntil - now);
		return Math.max(0, free);
	}

}
