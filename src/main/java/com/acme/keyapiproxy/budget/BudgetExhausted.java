package com.acme.keyapiproxy.budget;

import java.time.Duration;

/** A miss that would cost a credit nobody may spend this month. */
public abstract sealed class BudgetExhausted extends RuntimeException
		permits TeamBudgetExhausted, OrganisationBudgetExhausted {

	private final Duration untilNextPeriod;

	BudgetExhausted(String message, Duration untilNextPeriod) {
		super(message, null, false, false);
		this.untilNextPeriod = untilNextPeriod;
	}

	/** Until the next calendar month (UTC) starts and allowances are fresh. */
	public Duration untilNextPeriod() {
		return this.untilNextPeriod;
	}

}
