package com.acme.keyapiproxy.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import com.acme.keyapiproxy.budget.Budget;
import com.acme.keyapiproxy.budget.Usage;
import com.acme.keyapiproxy.teams.Teams;

/**
 * {@code GET /usage}: the calling team's spend in the current month, and the
 * organisation's.
 */
@RestController
@Tag(name = UsageController.TAG)
class UsageController {

	static final String TAG = "usage";

	private final Budget budget;

	private final Teams teams;

	UsageController(Budget budget, Teams teams) {
		this.budget = budget;
		this.teams = teams;
	}

	@Operation(summary = "The calling team's credit spend this month (UTC), and the organisation's",
			description = "Costs nothing. Limits and what remains are null when unlimited.")
	@ApiResponse(responseCode = "200", description = "The spend",
			content = @Content(mediaType = "application/json", schema = @Schema(implementation = UsageDocument.class)))
	@GetMapping("/usage")
	Usage usage(@RequestHeader(name = HttpHeaders.AUTHORIZATION,
			required = false) @Parameter(hidden = true) @Nullable String authorization) {
		return this.budget.usage(this.teams.identify(authorization));
	}

}
