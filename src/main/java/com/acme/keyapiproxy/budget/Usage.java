package com.acme.keyapiproxy.budget;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A team's spend in the current period, as {@code GET /usage} answers it. Limits and what
 * remains are {@code null} when unlimited.
 */
public record Usage(String team, String period, @JsonProperty("credits_spent") long creditsSpent,
		@JsonProperty("credits_limit") @Nullable Long creditsLimit,
		@JsonProperty("credits_remaining") @Nullable Long creditsRemaining, Organisation organisation) {

	/** The organisation's spend, all teams together. */
	public record Organisation(@JsonProperty("credits_spent") long creditsSpent,
			@JsonProperty("credits_limit") @Nullable Long creditsLimit) {
	}

}
