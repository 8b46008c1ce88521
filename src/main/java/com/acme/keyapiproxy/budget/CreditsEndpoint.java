package com.acme.keyapiproxy.budget;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

import com.acme.keyapiproxy.teams.Teams;

/**
 * {@code /actuator/credits} on the management port: every team's spend in the current
 * month.
 */
@Component
@Endpoint(id = "credits")
class CreditsEndpoint {

	private final Budget budget;

	private final Teams teams;

	CreditsEndpoint(Budget budget, Teams teams) {
		this.budget = budget;
		this.teams = teams;
	}

	@ReadOperation
	Map<String, Usage> credits() {
		return this.budget.usage(this.teams.all());
	}

}
