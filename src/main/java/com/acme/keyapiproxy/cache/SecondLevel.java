package com.acme.keyapiproxy.cache;

import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The level under the in-memory cache that {@link PageCache} consults on a memory miss
 * and that takes part in every load: at most one per instance. Redis in shared mode (the
 * pages every replica fetched, and the leases that elect one replica to fetch a page),
 * {@link NoSecondLevel none} for a single instance — and, next, a disk level.
 * <p>
 * Implementations are thread-safe.
 */
public interface SecondLevel {

	/**
	 * The page this level holds for the key, if any and not past its stale window. Never
	 * fails: a level that cannot be read now is one without the page (a miss then finds
	 * out).
	 */
	@Nullable StoredPage find(PageKey key);

	/**
	 * Whether another instance is fetching the page now, so a lookup would join it rather
	 * than load.
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when this level
	 * cannot tell
	 */
	boolean isBeingFetched(PageKey key);

	/**
	 * Completes {@code load.into()}: by running its loader (and keeping the page it gets
	 * at this level), or with the page another instance fetches.
	 * @return {@link PageCache.Origin#LOADED} when the loader runs here,
	 * {@link PageCache.Origin#JOINED} when another instance's fetch is awaited (the
	 * loader then runs only if that instance gives up without a page)
	 */
	PageCache.Origin fetch(PageLoad load);

	/**
	 * Marks an influencer's pages but {@code exceptPage} fetched before {@code before}
	 * superseded at this level, and for every instance that shares it. Never fails: a
	 * supersession that could not be recorded leaves those pages fresh until their ttl.
	 */
	void supersede(String userId, int exceptPage, Instant before);

	/**
	 * Drops an influencer's pages at this level and has every instance that shares it
	 * drop its in-memory copies.
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when this level
	 * cannot be reached
	 */
	void purge(String userId);

	/**
	 * Drops every page at this level and has every instance that shares it drop its
	 * in-memory copies.
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when this level
	 * cannot be reached
	 */
	void purgeAll();

	/**
	 * Has every purge and supersession made by any instance that shares this level (this
	 * one's own included) applied to this instance's memory, from now on.
	 */
	void onInvalidation(Consumer<Invalidation> apply);

}
