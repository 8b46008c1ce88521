package com.acme.keyapiproxy.api;

import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import com.acme.keyapiproxy.livestreams.Answer;
import com.acme.keyapiproxy.livestreams.CacheDirectives;
import com.acme.keyapiproxy.livestreams.LivestreamPages;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;

/**
 * Everything about a page request that is not a plain fresh hit: who is asking, validation, cache directives, misses
 * (answered asynchronously, so a waiting miss holds no request thread).
 */
@RestController
class LivestreamsController {

	private final LivestreamPages pages;

	private final Teams teams;

	LivestreamsController(LivestreamPages pages, Teams teams) {
		this.pages = pages;
		this.teams = teams;
	}

	@Operation(summary = "An influencer's livestream history, one page",
			description = "Answered from the cache whenever it can be; a miss costs the caller's team one credit "
					+ "(a page spanning two KeyAPI pages of ten, two).")
	@Parameter(name = "userId", in = ParameterIn.PATH, required = true, description = "1 to 20 ASCII digits",
			schema = @Schema(type = "string", pattern = "^[0-9]{1,20}$"))
	@Parameter(name = "page", in = ParameterIn.QUERY, description = "1 to 100000; given once, ASCII digits",
			schema = @Schema(type = "integer", minimum = "1", maximum = "100000", defaultValue = "1"))
	@Parameter(name = "size", in = ParameterIn.QUERY, description = "1 to 10; given once, ASCII digits",
			schema = @Schema(type = "integer", minimum = "1", maximum = "10", defaultValue = "10"))
	@Parameter(name = "Cache-Control", in = ParameterIn.HEADER,
			description = "no-cache (refetch, costs a credit), max-age=N, only-if-cached (never spend)")
	@Parameter(name = "If-None-Match", in = ParameterIn.HEADER, description = "the ETag of a copy: 304 when current")
	@Parameter(name = "Authorization", in = ParameterIn.HEADER,
			description = "Bearer <team token>; required when teams are configured")
	@ApiResponse(responseCode = "200", description = "The page",
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = LivestreamsPageDocument.class)),
			headers = { @Header(name = "Cache-Status", description = "RFC 9211, cache keyapi-proxy: hit; ttl=N | "
					+ "fwd=miss; stored | fwd=miss; collapsed | hit; fwd=stale | fwd=request"),
					@Header(name = "Age", description = "seconds since KeyAPI gave it"),
					@Header(name = "ETag", description = "strong, of the body"),
					@Header(name = "Cache-Control", description = "private, max-age=<remaining freshness>"),
					@Header(name = "Credits-Charged", description = "what this answer cost the caller's team: 0, 1 or 2") })
	@ApiResponse(responseCode = "304", description = "If-None-Match names the current ETag")
	@ApiResponse(responseCode = "400", description = "invalid_user_id, invalid_page or invalid_size (KeyAPI not called)",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@ApiResponse(responseCode = "401", description = "unauthenticated",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@ApiResponse(responseCode = "429", description = "team_budget_exhausted or organisation_budget_exhausted; Retry-After to the next month (UTC)",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@ApiResponse(responseCode = "502", description = "upstream_bad_response or upstream_auth_failed",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@ApiResponse(responseCode = "503", description = "upstream_unavailable, upstream_busy or upstream_quota_exhausted; Retry-After set",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@ApiResponse(responseCode = "504", description = "upstream_timeout, or not_cached for only-if-cached",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDocument.class)))
	@GetMapping("/influencers/{userId}/livestreams")
	CompletableFuture<ResponseEntity<byte[]>> livestreams(@PathVariable @Parameter(hidden = true) String userId,
			@Parameter(hidden = true) HttpServletRequest request) {
		Team team = this.teams.identify(request.getHeader(HttpHeaders.AUTHORIZATION));
		PageQuery query = PageQuery.of(userId, request);
		// HEAD never spends: it answers what a fresh stored page would, or 504 not_cached as only-if-cached does
		// (headers only, as HEAD has no body), whatever Cache-Control asks.
		CacheDirectives directives = HttpMethod.HEAD.matches(request.getMethod()) ? CacheDirectives.ONLY_IF_CACHED
				: RequestCacheControl.parse(request.getHeaders(HttpHeaders.CACHE_CONTROL));
		String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
		return this.pages.answer(query.request(), directives, team).thenApply((answer) -> respond(answer, ifNoneMatch));
	}

	private static ResponseEntity<byte[]> respond(Answer answer, @Nullable String ifNoneMatch) {
		HttpHeaders headers = new HttpHeaders();
		AnswerHeaders.write(answer, headers::set);
		if (AnswerHeaders.notModified(ifNoneMatch, answer)) {
			return new ResponseEntity<>(headers, HttpStatus.NOT_MODIFIED);
		}
		headers.setContentType(MediaType.APPLICATION_JSON);
		return new ResponseEntity<>(answer.view().body(), headers, HttpStatus.OK);
	}

}
