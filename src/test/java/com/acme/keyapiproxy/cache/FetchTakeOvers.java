package com.acme.keyapiproxy.cache;

/**
 * A fetch's claim found taken over by another replica, for unit tests of the packages
 * that pay for fetches (the exception's constructor is this package's).
 */
public final class FetchTakeOvers {

	private FetchTakeOvers() {
	}

	public static FetchTakenOver of(PageKey key) {
		return new FetchTakenOver(key);
	}

}
