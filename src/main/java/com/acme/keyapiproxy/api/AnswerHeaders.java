package com.acme.keyapiproxy.api;

import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.livestreams.Answer;

/**
 * The response headers of a page answer: {@code Cache-Status} (RFC 9211), {@code Age},
 * {@code ETag}, {@code Cache-Control} and {@code Credits-Charged}. Written the same way
 * by the hit filter and the controller.
 */
final class AnswerHeaders {

	static final String CACHE_STATUS = "Cache-Status";

	static final String CREDITS_CHARGED = "Credits-Charged";

	private static final String CACHE_NAME = "keyapi-proxy";

	private AnswerHeaders() {
	}

	static void write(Answer answer, BiConsumer<String, String> header) {
		long maxAge = answer.freshFor().getSeconds();
		header.accept(CACHE_STATUS, cacheStatus(answer, maxAge));
		header.accept("Age", Long.toString(answer.ageSeconds()));
		header.accept("ETag", answer.view().etag());
		header.accept("Cache-Control", "private, max-age=" + maxAge);
		header.accept(CREDITS_CHARGED, Integer.toString(answer.creditsCharged()));
	}

	/**
	 * Whether {@code If-None-Match} names the answer's tag (weak comparison, as RFC 9110
	 * §13.1.2 asks).
	 */
	static boolean notModified(@Nullable String ifNoneMatch, Answer answer) {
		if (ifNoneMatch == null) {
			return false;
		}
		String etag = answer.view().etag();
		for (String candidate : ifNoneMatch.split(",")) {
			String tag = candidate.trim();
			if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
				return true;
			}
		}
		return false;
	}

	private static String cacheStatus(Answer answer, long maxAge) {
		return switch (answer.delivery()) {
			case HIT -> CACHE_NAME + "; hit; ttl=" + maxAge;
			case MISS -> CACHE_NAME + "; fwd=miss; stored";
			case COLLAPSED -> CACHE_NAME + "; fwd=miss; collapsed";
			case STALE -> CACHE_NAME + "; hit; fwd=stale";
			case BYPASS -> CACHE_NAME + "; fwd=request";
		};
	}

}
