package com.acme.keyapiproxy.api;

import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
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

	@GetMapping("/influencers/{userId}/livestreams")
	CompletableFuture<ResponseEntity<byte[]>> livestreams(@PathVariable String userId, HttpServletRequest request) {
		Team team = this.teams.identify(request.getHeader(HttpHeaders.AUTHORIZATION));
		PageQuery query = PageQuery.parse(userId, request.getParameterValues("page"),
				request.getParameterValues("size"));
		CacheDirectives directives = RequestCacheControl.parse(request.getHeaders(HttpHeaders.CACHE_CONTROL));
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
