package com.acme.keyapiproxy.upstream;

/**
 * The one line of every replica for the shared send gate: an attempt joining it gets a
 * ticket (the gate serves the lowest waiting ticket first, whichever replica holds it)
 * and learns what other replicas have in line, so that a replica's estimate of a new
 * miss's wait (and the {@code Retry-After} of an {@code upstream_busy}) counts the whole
 * backlog, not its own line only. A single instance has no other replicas.
 */
public interface UpstreamBacklog {

	UpstreamBacklog NONE = new UpstreamBacklog() {

		@Override
		public Place joined() {
			return Place.ALONE;
		}

		@Override
		public void left() {
		}

		@Override
		public int elsewhere() {
			return 0;
		}

	};

	/**
	 * One more attempt is in line here; may wait on Redis, so it is never called with a
	 * lock held.
	 * @return its place in the one line of every replica
	 */
	Place joined();

	/**
	 * One attempt left the line here (let through, refused or withdrawn); never blocks.
	 */
	void left();

	/** Attempts in line on other replicas, as last seen; never blocks. */
	int elsewhere();

	/**
	 * An attempt's place in the line of every replica together.
	 *
	 * @param ticket its number in the order attempts joined, across replicas: the shared
	 * send gate lets the lowest number waiting go first
	 * @param elsewhere attempts in line on other replicas when it joined
	 */
	record Place(long ticket, int elsewhere) {

		static final Place ALONE = new Place(0, 0);

	}

}
