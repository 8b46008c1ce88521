package com.acme.keyapiproxy.upstream;

import java.time.Duration;

/**
 * No upstream slot was free within {@code keyapi.rate-limit.max-wait}; KeyAPI was not
 * called for this attempt.
 */
public final class UpstreamBusy extends UpstreamFailure {

	UpstreamBusy(Duration queueDrainsIn) {
		super("No KeyAPI slot free within the longest wait; the queue ahead drains in " + queueDrainsIn.toSeconds()
				+ "s", queueDrainsIn);
	}

}
