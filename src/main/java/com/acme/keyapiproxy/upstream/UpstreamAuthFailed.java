package com.acme.keyapiproxy.upstream;

/** KeyAPI refused the proxy's key (401 or 403): an operator problem, not the caller's. */
public final class UpstreamAuthFailed extends UpstreamFailure {

	UpstreamAuthFailed(int status) {
		super("KeyAPI refused the proxy's credentials (HTTP " + status + ")", null);
	}

}
