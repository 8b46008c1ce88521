package com.acme.keyapiproxy.budget;

import org.jspecify.annotations.Nullable;

/**
 * One monthly allowance a hold is checked against: its name (what a refusal says ran
 * out), the credits it allows, and whose spend it counts — one team's, or every team's
 * together when {@code team} is {@code null}. A new rule (a group of teams, a per-user
 * cap, …) is one more limit in the list the ledger is given, not a new branch in it.
 */
public record Limit(String name, long credits, @Nullable String team) {

	static final String ORGANISATION = "organisation";

	static final String TEAM = "team";

	static Limit organisation(long credits) {
		return new Limit(ORGANISATION, credits, null);
	}

	static Limit ofTeam(String team, long credits) {
		return new Limit(TEAM, credits, team);
	}

	/** Whether a credit of this team counts against the limit. */
	public boolean counts(String spender) {
		return this.team == null || this.team.equals(spender);
	}

}
