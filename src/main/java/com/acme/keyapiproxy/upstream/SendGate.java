package com.acme.keyapiproxy.upstream;

import java.time.Duration;

/**
 * Where every attempt waits for its moment to go on the wire: at most one send holds the
 * gate, from when it is let through until its request has actually been written to the
 * connection (a request still connecting holds the next one back), and the next is let
 * through no sooner than one interval after that write. So KeyAPI sees its requests
 * spaced as they were written, whatever connecting, a cold JVM or a late timer did
 * before.
 * <p>
 * One gate for this process (single instance), or one in Redis for every replica together
 * (shared mode). Only the slot dispatcher ({@link UpstreamSlots}) takes and releases it,
 * one send at a time per process.
 */
public interface SendGate {

	/**
	 * {@link #tryTake} answers this when another replica's send holds the gate, or
	 * another replica's attempt that joined the line earlier is waiting for it: ask again
	 * shortly.
	 */
	long HELD_ELSEWHERE = -1;

	/**
	 * Takes the gate for one send, if it is free and one interval has passed since the
	 * last write.
	 * @param intervalNanos the spacing in force now
	 * @param ticket the attempt's place in the line of every replica
	 * ({@link UpstreamBacklog.Place#ticket()}); the shared gate lets the lowest waiting
	 * ticket go first
	 * @return zero when taken (it must be {@link #release released} exactly once),
	 * {@link #HELD_ELSEWHERE}, or the nanoseconds to wait before it can be taken
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when the shared
	 * gate cannot be reached
	 */
	long tryTake(long intervalNanos, long ticket);

	/**
	 * Releases the gate taken by {@link #tryTake}.
	 * @param sentAtNanos when the request was written ({@code System.nanoTime()}), or
	 * {@link Long#MIN_VALUE} when nothing was sent (the gate was taken for a send that
	 * had been withdrawn)
	 * @return nanoseconds between this write and the one before it (by any replica), or a
	 * negative number when nothing was sent
	 */
	long release(long sentAtNanos);

	/**
	 * No send before this long from now: KeyAPI asked to wait ({@code Retry-After} on a
	 * 429).
	 */
	void pause(Duration wait);

	/**
	 * Nanoseconds until the gate could be taken, as far as this process can tell without
	 * asking.
	 */
	long nanosUntilFree(long intervalNanos);

}
