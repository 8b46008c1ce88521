package com.acme.keyapiproxy.upstream;

/**
 * A {@link SendCheck} refused a request at the last moment: carries its reason through
 * the WebClient (which wraps what its connector throws) so that the fetch fails with that
 * reason, unretried and uncounted.
 */
final class SendWithdrawn extends RuntimeException {

	private final RuntimeException reason;

	SendWithdrawn(RuntimeException reason) {
		super(reason.getMessage(), reason, false, false);
		this.reason = reason;
	}

	RuntimeException reason() {
		return this.reason;
	}

}
