package com.acme.keyapiproxy.budget;

import java.time.Duration;

/** The calling team has spent its monthly credits. */
public final class TeamBudgetExhausted extends BudgetExhausted {

	TeamBudgetExhausted(String team, long limit, Duration untilNextPeriod) {
		super("Team '" + team + "' has spent its " + limit + " credits for this month", untilNextPeriod);
	}

}
