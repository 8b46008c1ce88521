package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A miss that KeyAPI could not answer, named by the condition. These are expected
 * outcomes, not bugs, so they carry no stack trace. None of them ever holds the key or
 * the vendor's raw answer.
 */
public abstract sealed class UpstreamFailure extends RuntimeException permits UpstreamBusy, UpstreamUnavailable,
		UpstreamTimedOut, UpstreamQuotaExhausted, UpstreamAuthFailed, UpstreamBadResponse {

	private final @Nullable Duration retryAfter;

	UpstreamFailure(String message, @Nullable Duration retryAfter) {
		super(message, null, false, false);
		this.retryAfter = retryAfter;
	}

	/** When a caller may sensibly try again, if anyone can tell. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
