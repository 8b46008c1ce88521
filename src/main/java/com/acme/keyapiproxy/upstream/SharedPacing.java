package com.acme.keyapiproxy.upstream;

import java.util.function.IntSupplier;

/**
 * Shared mode's pacing state, all in Redis: the send gate, what KeyAPI's refusals taught,
 * and every replica's backlog. Made by the Redis adapters in {@code upstream.shared}; a
 * single instance has none.
 */
public record SharedPacing(SendGate gate, LearnedLimits learned, Backlog backlog) implements AutoCloseable {

	@Override
	public void close() {
		this.backlog.close();
	}

	/**
	 * The line of every replica, which this replica keeps telling its own count.
	 */
	public interface Backlog extends UpstreamBacklog, AutoCloseable {

		/**
		 * Starts telling the other replicas this replica's exact count, as {@code mine}
		 * tells it, every so often (so a lost update does not last).
		 */
		void publish(IntSupplier mine);

		/** Takes this replica out of the line. */
		@Override
		void close();

	}

}
