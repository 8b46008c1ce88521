package com.acme.keyapiproxy.upstream;

/**
 * Shared mode's pacing state, all in Redis: the send gate, what KeyAPI's refusals taught,
 * and every replica's backlog.
 */
record SharedPacing(SharedSendGate gate, SharedLearnedLimits learned,
		SharedUpstreamBacklog backlog) implements AutoCloseable {

	@Override
	public void close() {
		this.backlog.close();
	}

}
