package com.acme.keyapiproxy.upstream;

/** KeyAPI did not answer within {@code keyapi.timeout} on any attempt. */
public final class UpstreamTimedOut extends UpstreamFailure {

	UpstreamTimedOut(int attempts) {
		super("KeyAPI did not answer in time on " + attempts + (attempts == 1 ? " attempt" : " attempts"), null);
	}

}
