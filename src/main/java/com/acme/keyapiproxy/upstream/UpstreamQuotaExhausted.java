package com.acme.keyapiproxy.upstream;

import java.time.Duration;

/** KeyAPI answered 402: the vendor account has no credits left. */
public final class UpstreamQuotaExhausted extends UpstreamFailure {

	UpstreamQuotaExhausted(Duration retryAfter) {
		super("KeyAPI reports the account's credits are exhausted", retryAfter);
	}

}
