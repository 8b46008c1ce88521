package com.acme.keyapiproxy.upstream;

/** KeyAPI answered something that is not its documented success; the reason says what. */
public final class UpstreamBadResponse extends UpstreamFailure {

	UpstreamBadResponse(String reason) {
		super(reason, null);
	}

}
