package com.acme.keyapiproxy.api;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.livestreams.Answer;
import com.acme.keyapiproxy.livestreams.LivestreamPages;
import com.acme.keyapiproxy.teams.Teams;
import com.acme.keyapiproxy.teams.Unauthenticated;

/**
 * Answers cache hits before the DispatcherServlet: a plain {@code GET} (or {@code HEAD},
 * headers only) from a known team for a fresh stored page, without cache directives, is
 * written straight from the bytes and tag prepared when the page was stored (or answered
 * 304); in shared mode a newer page found in Redis is promoted into this replica's memory
 * on the way ({@link LivestreamPages#freshFromCache}). This is the shortest path the
 * servlet stack offers; everything else (misses, directives, unknown callers, invalid
 * input) falls through to {@link LivestreamsController}. It bypasses
 * {@code http.server.requests}, which is why hits are counted by
 * {@code keyapi_proxy_cache_requests_total}.
 */
final class CachedPageFilter implements Filter {

	private static final String PREFIX = "/influencers/";

	private static final String SUFFIX = "/livestreams";

	private final LivestreamPages pages;

	private final Teams teams;

	CachedPageFilter(LivestreamPages pages, Teams teams) {
		this.pages = pages;
		this.teams = teams;
	}

	@Override
	public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest request = (HttpServletRequest) servletRequest;
		Answer answer = freshHit(request);
		if (answer == null) {
			chain.doFilter(servletRequest, servletResponse);
			return;
		}
		HttpServletResponse response = (HttpServletResponse) servletResponse;
		AnswerHeaders.write(answer, response::setHeader);
		if (AnswerHeaders.notModified(request.getHeader("If-None-Match"), answer)) {
			response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
			return;
		}
		byte[] body = answer.view().body();
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("application/json");
		response.setContentLength(body.length);
		if (!"HEAD".equals(request.getMethod())) {
			response.getOutputStream().write(body);
		}
	}

	private @Nullable Answer freshHit(HttpServletRequest request) {
		String method = request.getMethod();
		if (!("GET".equals(method) || "HEAD".equals(method)) || request.getHeader("Cache-Control") != null) {
			return null;
		}
		String userId = userIdIn(request.getRequestURI());
		if (userId == null) {
			return null;
		}
		try {
			this.teams.identify(request.getHeader("Authorization"));
			PageQuery query = PageQuery.of(userId, request);
			return this.pages.freshFromCache(query.request());
		}
		catch (Unauthenticated | InvalidInput ex) {
			return null;
		}
	}

	private static @Nullable String userIdIn(String uri) {
		if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX) || uri.length() <= PREFIX.length() + SUFFIX.length()) {
			return null;
		}
		return uri.substring(PREFIX.length(), uri.length() - SUFFIX.length());
	}

}
