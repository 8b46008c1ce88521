package com.acme.keyapiproxy.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backlog with no other replicas that counts the attempts in line here: what the shared
 * backlog would be told.
 */
final class CountingBacklog implements UpstreamBacklog {

	private final AtomicInteger inLine = new AtomicInteger();

	/** Attempts that joined and have not left. */
	AtomicInteger inLine() {
		return this.inLine;
	}

	@Override
	public Place joined() {
		this.inLine.incrementAndGet();
		return Place.ALONE;
	}

	@Override
	public void left() {
		this.inLine.decrementAndGet();
	}

	@Override
	public int elsewhere() {
		return 0;
	}

}
