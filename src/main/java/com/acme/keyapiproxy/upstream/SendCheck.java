package com.acme.keyapiproxy.upstream;

/**
 * Asked right before each attempt's request goes on the wire (after its turn at the send
 * gate came, before its first byte is written), whether it may still go: a miss that may
 * no longer be sent (in shared mode, another replica took the page's fetch over while
 * this one was stopped) withdraws it here.
 * <p>
 * It runs on the thread that lets sends through, holding the send gate (its time is not
 * counted as part of the send, so it stretches the spacing rather than shortening it): it
 * must be quick — one Redis round trip at most — and must not wait for anything else.
 */
@FunctionalInterface
public interface SendCheck {

	/** Every request may go. */
	SendCheck NONE = () -> {
	};

	/**
	 * Returns when the request may be sent.
	 * @throws RuntimeException when it must not be: nothing is sent, no attempt is
	 * counted or retried, and the fetch fails with this exception
	 */
	void confirm();

}
