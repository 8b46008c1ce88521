package com.acme.keyapiproxy.cache;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Starts the load of a page, for the one caller of {@link PageCache#lookup} that loads
 * it.
 */
@FunctionalInterface
public interface PageLoader {

	/**
	 * @param replaced the page it replaces, {@code null} when none, to fall back to when
	 * the load fails
	 * @param claim confirm it right before each request for the page goes to KeyAPI; a
	 * load whose claim was taken over ends with {@link FetchTakenOver}, having sent and
	 * charged nothing, and its callers get the page from whoever took it over
	 */
	CompletableFuture<StoredPage> load(@Nullable StoredPage replaced, FetchClaim claim);

}
