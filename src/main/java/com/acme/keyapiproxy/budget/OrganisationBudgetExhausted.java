package com.acme.keyapiproxy.budget;

import java.time.Duration;

/** All teams together have spent the organisation's monthly credits. */
public final class OrganisationBudgetExhausted extends BudgetExhausted {

	OrganisationBudgetExhausted(long limit, Duration untilNextPeriod) {
		super("The organisation has spent its " + limit + " shared credits for this month", untilNextPeriod);
	}

}
