package com.acme.keyapiproxy.upstream;

import java.util.Arrays;

/**
 * How late a request is written after the moment the gate could let it through: the
 * dispatcher's timer firing late, handing the request to the event loop, the write
 * itself. Kept as the lowest of the last {@value #KEPT}: the gate lets each request
 * through that much before its moment, so that its write, not its let-through, lands one
 * interval after the previous write. Using the lowest keeps a faster-than-usual write
 * from landing early by more than the difference (a fraction of a millisecond, which the
 * interval's margin covers). Writes that waited for KeyAPI's answer (a new plain-HTTP
 * connection) are not counted.
 * <p>
 * Not thread-safe: used by the slot dispatcher's thread only.
 */
final class SendLag {

	static final int KEPT = 16;

	private final long[] recent = new long[KEPT];

	private int next;

	private int count;

	void record(long nanos) {
		this.recent[this.next] = Math.max(0, nanos);
		this.next = (this.next + 1) % KEPT;
		this.count = Math.min(KEPT, this.count + 1);
	}

	/** The lowest lag of the last few writes, zero before any. */
	long lowest() {
		return (this.count == 0) ? 0 : Arrays.stream(this.recent, 0, this.count).min().orElse(0);
	}

}
