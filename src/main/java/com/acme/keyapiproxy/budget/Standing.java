package com.acme.keyapiproxy.budget;

/**
 * Where one limit stands: the credits counted as spent (those of requests already sent
 * included), the holds of misses still waiting to be sent, and the credits of requests
 * sent whose outcome is not known yet (a failure refunds them). Sent and held credits are
 * the fetches in flight: they may come back, so only what is left is truly charged.
 */
public record Standing(Limit limit, long spent, long held, long sending) {

	/** Credits charged for good: spent, less what requests still in flight may refund. */
	long charged() {
		return this.spent - this.sending;
	}

	/** Credits neither spent nor held: what one more hold would take. */
	long remaining() {
		return this.limit.credits() - this.spent - this.held;
	}

	boolean isSpent() {
		return charged() >= this.limit.credits();
	}

}
