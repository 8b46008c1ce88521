package com.acme.keyapiproxy.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Waits for a condition to hold, checking every 10 ms, and fails the test if it does not
 * within the bound.
 */
public final class Eventually {

	private Eventually() {
	}

	public static void until(String condition, Duration bound, BooleanSupplier holds) {
		long deadline = System.nanoTime() + bound.toNanos();
		while (!holds.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				fail("Not within %s: %s", bound, condition);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
