package com.acme.keyapiproxy.livestreams;

import org.jspecify.annotations.Nullable;

/**
 * What the caller's {@code Cache-Control} asks of the cache (RFC 9111 request
 * directives).
 *
 * @param noCache refetch even when a fresh page is stored (costs a credit)
 * @param maxAgeSeconds a stored page older than this is refetched; {@code null} when not
 * given
 * @param onlyIfCached never spend: answer from the cache or not at all
 */
public record CacheDirectives(boolean noCache, @Nullable Long maxAgeSeconds, boolean onlyIfCached) {

	public static final CacheDirectives NONE = new CacheDirectives(false, null, false);

	public static final CacheDirectives ONLY_IF_CACHED = new CacheDirectives(false, null, true);

	/** Whether the caller asked for a refetch the cache would not otherwise make. */
	boolean asksForRefetch() {
		return this.noCache || this.maxAgeSeconds != null;
	}

}
