package com.acme.keyapiproxy.cache;

/**
 * Another replica took a page's fetch over (this replica's lease lapsed while it was
 * stopped, and a newer lease was issued): this replica's request must not be sent, and
 * its page not stored. An expected outcome, without a stack trace.
 */
public final class FetchTakenOver extends RuntimeException {

	public FetchTakenOver(PageKey key) {
		super("Another replica took the fetch of " + key + " over", null, false, false);
	}

}
