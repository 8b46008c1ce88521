package com.acme.keyapiproxy.budget;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the changes a waiting miss cares about (a hold settled, credits refunded or
 * added) and wakes those waiting for one: a miss remembers the count it saw when it was
 * told to wait, so a change between its look and its wait is never missed. Thread-safe.
 */
public final class LedgerChanges {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private long count;

	public long count() {
		this.lock.lock();
		try {
			return this.count;
		}
		finally {
			this.lock.unlock();
		}
	}

	public void signal() {
		this.lock.lock();
		try {
			this.count++;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until there was a change after the count {@code seen}, or until
	 * {@code untilNanos} (of nanoTime).
	 */
	public void awaitChangeAfter(long seen, long untilNanos) throws InterruptedException {
		this.lock.lock();
		try {
			long left = untilNanos - System.nanoTime();
			while (this.count == seen && left > 0) {
				left = this.changed.awaitNanos(left);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

}
