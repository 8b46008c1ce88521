package com.acme.keyapiproxy.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * A vendor's rate limit as KeyAPI enforces it: a request is admitted unless {@code limit}
 * requests were admitted in the second before it arrived, however the second is placed.
 * Refused requests do not count. Thread-safe.
 */
public final class SlidingSecondLimit {

	private final int limit;

	private final Deque<Long> admitted = new ArrayDeque<>();

	public SlidingSecondLimit(int limit) {
		this.limit = limit;
	}

	/**
	 * @param arrivedAt when the request arrived ({@code System.nanoTime()})
	 */
	public synchronized boolean admit(long arrivedAt) {
		while (!this.admitted.isEmpty() && arrivedAt - this.admitted.peekFirst() >= TimeUnit.SECONDS.toNanos(1)) {
			this.admitted.removeFirst();
		}
		if (this.admitted.size() >= this.limit) {
			return false;
		}
		this.admitted.addLast(arrivedAt);
		return true;
	}

}
