package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * {@link UpstreamSlots} as a single instance makes them, for the tests: a
 * {@link LocalSendGate} and a rate that learns in memory, no other replicas, 50 per
 * second, {@code max-wait} and the longest send 10 s, on {@code System.nanoTime}. A test
 * sets only what it is about.
 */
final class SlotsBuilder {

	private final ScheduledExecutorService dispatcher;

	private double qps = 50;

	private Duration maxWait = Duration.ofSeconds(10);

	private Duration longestSend = Duration.ofSeconds(10);

	private LongSupplier nanoTime = System::nanoTime;

	private @Nullable SendGate gate;

	private UpstreamBacklog backlog = UpstreamBacklog.NONE;

	private SlotsBuilder(ScheduledExecutorService dispatcher) {
		this.dispatcher = dispatcher;
	}

	/** Slots dispatched on this executor, which the test shuts down. */
	static SlotsBuilder on(ScheduledExecutorService dispatcher) {
		return new SlotsBuilder(dispatcher);
	}

	SlotsBuilder qps(double qps) {
		this.qps = qps;
		return this;
	}

	SlotsBuilder maxWait(Duration maxWait) {
		this.maxWait = maxWait;
		return this;
	}

	SlotsBuilder longestSend(Duration longestSend) {
		this.longestSend = longestSend;
		return this;
	}

	/** The clock of the slots, and of the local gate unless another is given. */
	SlotsBuilder nanoTime(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		return this;
	}

	/** A gate of the test's instead of the local one. */
	SlotsBuilder gate(SendGate gate) {
		this.gate = gate;
		return this;
	}

	SlotsBuilder backlog(UpstreamBacklog backlog) {
		this.backlog = backlog;
		return this;
	}

	UpstreamSlots build() {
		SendGate sendGate = (this.gate != null) ? this.gate : new LocalSendGate(this.nanoTime);
		return new UpstreamSlots(sendGate,
				new AdaptiveRate(this.qps, new LocalLearnedLimits(), System::currentTimeMillis), this.backlog,
				this.maxWait, this.longestSend, this.dispatcher, this.nanoTime);
	}

}
