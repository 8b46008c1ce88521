package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link UpstreamSlots} takes its permits: one every {@link #interval()}, for this process alone or for every
 * replica together. Only the slot dispatcher calls it, one permit at a time.
 */
interface UpstreamPermits {

	/** The spacing between two permits. */
	Duration interval();

	/**
	 * Reserves the next permit.
	 * @return nanoseconds until it is due, zero when it is due now
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when the shared limiter cannot be reached
	 */
	long reserve();

	/** Nanoseconds until a permit reserved now would be due, as far as this process can tell without asking. */
	long nanosUntilFree();

	/**
	 * The send gate shared by every process using these permits, if there is one: zero when a request may go now
	 * (and it is recorded as sent), else how much longer to wait; {@code null} when the gate is this process's own.
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when the shared gate cannot be reached
	 */
	default @Nullable Duration sharedSendDelay() {
		return null;
	}

}
