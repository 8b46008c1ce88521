package com.acme.keyapiproxy.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** The shape of every error answer (RFC 9457), for the API description only. */
@Schema(name = "Problem", description = "RFC 9457 problem details; clients switch on code")
record ProblemDocument(@Schema(example = "urn:keyapi-proxy:problem:invalid_page") String type,
		@Schema(example = "Bad Request") String title, @Schema(example = "400") int status,
		@Schema(example = "page must be from 1 to 100000") String detail,
		@Schema(description = "machine-readable", allowableValues = { "invalid_user_id", "invalid_page", "invalid_size",
				"unauthenticated", "team_budget_exhausted", "organisation_budget_exhausted", "upstream_bad_response",
				"upstream_auth_failed", "upstream_quota_exhausted", "upstream_unavailable", "upstream_busy",
				"upstream_timeout", "not_cached", "not_found", "method_not_allowed" }) String code) {
}
