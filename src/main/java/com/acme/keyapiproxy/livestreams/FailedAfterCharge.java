package com.acme.keyapiproxy.livestreams;

/**
 * A fetch that failed although KeyAPI charged for it (it answered 2xx with something that
 * is not a page): the caller whose miss it was still paid, and its answer must say so.
 */
public final class FailedAfterCharge extends RuntimeException {

	private final int creditsCharged;

	FailedAfterCharge(RuntimeException failure, int creditsCharged) {
		super(failure.getMessage(), failure, false, false);
		this.creditsCharged = creditsCharged;
	}

	public int creditsCharged() {
		return this.creditsCharged;
	}

}
