package com.acme.keyapiproxy.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a page answer, for the API description only: the answer itself is written
 * from bytes prepared when the page was stored.
 */
@Schema(name = "LivestreamsPage", description = "One page of an influencer's livestream history, newest first")
record LivestreamsPageDocument(
		@JsonProperty("user_id") @Schema(requiredMode = RequiredMode.REQUIRED, pattern = "^[0-9]{1,20}$",
				example = "7288986759428588590", description = "KeyAPI's creator id") String userId,
		@Schema(requiredMode = RequiredMode.REQUIRED, minimum = "1", maximum = "100000", example = "1") int page,
		@Schema(requiredMode = RequiredMode.REQUIRED, minimum = "1", maximum = "10", example = "10") int size,
		@Schema(requiredMode = RequiredMode.REQUIRED,
				description = "KeyAPI's livestream objects exactly as it sent them; fields it adds later pass through") List<Map<String, Object>> items,
		@JsonProperty("has_more") @Schema(requiredMode = RequiredMode.REQUIRED,
				description = "items.length == size") boolean hasMore,
		@JsonProperty("fetched_at") @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time",
				pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", example = "2026-11-24T19:00:00Z",
				description = "when KeyAPI gave the (oldest) page, RFC 3339 UTC to the second") String fetchedAt,
		@JsonProperty("upstream_request_id") @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true,
				example = "ec8e5830-2766-4199-a054-f5e5b8708b91",
				description = "KeyAPI's requestId; null when it sent none") @Nullable String upstreamRequestId) {
}
