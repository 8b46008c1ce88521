package com.acme.keyapiproxy.api;

import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
 * Everything about a page request that is not a plain fresh hit: who is asking,
 * validation, cache directives, misses (answered asynchronously, so a waiting miss holds
 * no request thread).
 */
@RestController
@Tag(name = LivestreamsController.TAG)
class LivestreamsController {

	static final String TAG = "livestreams";

	private final LivestreamPages pages;

	private final Teams teams;

	LivestreamsController(LivestreamPages pages, Teams teams) {
		this.pages = pages;
		this.teams = teams;
	}

	// Response headers, 304, every problem answer, security and HEAD: ApiDescription.
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
			description = "`no-cache` (refetch; costs a credit), `max-age=N` (a page older than N seconds is "
					+ "refetched), `only-if-cached` (never spend: 504 not_cached when nothing is cached)",
			schema = @Schema(type = "string", example = "max-age=3600"))
	@Parameter(name = "If-None-Match", in = ParameterIn.HEADER,
			description = "the ETag of a copy the caller holds: 304 when it is current",
			schema = @Schema(type = "string", example = "\"5f1c0ffee\""))
	@Parameter(name = "Priority", in = ParameterIn.HEADER,
			description = "RFC 9218 urgency `u=0` to `u=7` (default 3): orders the team's own misses waiting for "
					+ "upstream slots, never ahead of other teams' fair share",
			schema = @Schema(type = "string", example = "u=1"))
	@ApiResponse(responseCode = "200", description = "The page",
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = LivestreamsPageDocument.class)))
	@GetMapping("/influencers/{userId}/livestreams")
	CompletableFuture<ResponseEntity<byte[]>> livestreams(@PathVariable @Parameter(hidden = true) String userId,
			@Parameter(hidden = true) HttpServletRequest request) {
		Team team = this.teams.identify(request.getHeader(HttpHeaders.AUTHORIZATION));
		PageQuery query = PageQuery.of(userId, request);
		// HEAD never spends: it answers what a fresh stored page would, or 504 not_cached
		// as only-if-cached does (headers only, as HEAD has no body), whatever
		// Cache-Control asks.
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
