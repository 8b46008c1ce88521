package com.acme.keyapiproxy.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import org.jspecify.annotations.Nullable;

/**
 * The shape of {@code GET /usage}, for the API description only ({@code budget.Usage} is
 * what is written; its nullable limits are what this spells out).
 */
@Schema(name = "Usage", description = "The calling team's spend in the current period, and the organisation's")
record UsageDocument(@Schema(requiredMode = RequiredMode.REQUIRED, example = "alpha") String team,
		@Schema(requiredMode = RequiredMode.REQUIRED, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
				description = "the calendar month (UTC)") String period,
		@JsonProperty("credits_spent") @Schema(requiredMode = RequiredMode.REQUIRED, minimum = "0",
				example = "12") long creditsSpent,
		@JsonProperty("credits_limit") @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, minimum = "0",
				example = "100",
				description = "the team's monthly allowance; null when unlimited") @Nullable Long creditsLimit,
		@JsonProperty("credits_remaining") @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, minimum = "0",
				example = "88",
				description = "what is left of the allowance; null when unlimited") @Nullable Long creditsRemaining,
		@Schema(requiredMode = RequiredMode.REQUIRED) OrganisationDocument organisation) {

	@Schema(name = "OrganisationUsage", description = "The whole organisation's spend, all teams together")
	record OrganisationDocument(
			@JsonProperty("credits_spent") @Schema(requiredMode = RequiredMode.REQUIRED, minimum = "0",
					example = "40") long creditsSpent,
			@JsonProperty("credits_limit") @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, minimum = "0",
					example = "5000",
					description = "the organisation's monthly allowance; null when unlimited") @Nullable Long creditsLimit) {
	}

}
