package com.acme.keyapiproxy.api;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import com.acme.keyapiproxy.budget.Budget;
import com.acme.keyapiproxy.budget.Usage;
import com.acme.keyapiproxy.teams.Teams;

/** {@code GET /usage}: the calling team's spend in the current month, and the organisation's. */
@RestController
class UsageController {

	private final Budget budget;

	private final Teams teams;

	UsageController(Budget budget, Teams teams) {
		this.budget = budget;
		this.teams = teams;
	}

	@GetMapping("/usage")
	Usage usage(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
		return this.budget.usage(this.teams.identify(authorization));
	}

}
