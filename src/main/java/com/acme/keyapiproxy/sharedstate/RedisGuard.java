package com.acme.keyapiproxy.sharedstate;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.springframework.dao.DataAccessException;

/**
 * The one way the proxy calls Redis: a failure to reach it (any Spring
 * {@link DataAccessException}) comes out as {@link SharedStateUnavailable}, naming what
 * was being done.
 * <p>
 * A guard may also fail fast: for a while after a call failed, calls fail at once instead
 * of being tried, since a Redis that hangs (no connection reset, so Lettuce has not
 * noticed) must not cost every caller a timeout of its own. Redis users that share a
 * guard share that verdict.
 * <p>
 * Thread-safe.
 */
public final class RedisGuard {

	private final Duration failFastFor;

	private final LongSupplier nanoTime;

	/** Until when ({@code nanoTime}) calls fail at once, after one failed. */
	private volatile long unreachableUntil;

	private RedisGuard(Duration failFastFor, LongSupplier nanoTime) {
		this.failFastFor = failFastFor;
		this.nanoTime = nanoTime;
		this.unreachableUntil = nanoTime.getAsLong();
	}

	/** A guard that translates failures and tries every call. */
	public static RedisGuard translatingFailures() {
		return new RedisGuard(Duration.ZERO, System::nanoTime);
	}

	/**
	 * A guard that, after a call failed, fails every call at once for
	 * {@code failFastFor}.
	 */
	public static RedisGuard failingFastFor(Duration failFastFor, LongSupplier nanoTime) {
		return new RedisGuard(failFastFor, nanoTime);
	}

	/**
	 * Runs a Redis command.
	 * @param what what the command does, for the failure's message
	 * @throws SharedStateUnavailable when Redis cannot be reached, or a call through this
	 * guard failed less than its fail-fast window ago
	 */
	public <T> T call(String what, Supplier<T> command) {
		if (this.nanoTime.getAsLong() - this.unreachableUntil < 0) {
			throw new SharedStateUnavailable(
					what + " (a Redis call failed less than " + this.failFastFor.toMillis() + " ms ago)", null);
		}
		try {
			return command.get();
		}
		catch (DataAccessException ex) {
			this.unreachableUntil = this.nanoTime.getAsLong() + this.failFastFor.toNanos();
			throw new SharedStateUnavailable(what, ex);
		}
	}

	/** {@link #call} for a command whose answer is not needed. */
	public void run(String what, Runnable command) {
		call(what, () -> {
			command.run();
			return null;
		});
	}

}
