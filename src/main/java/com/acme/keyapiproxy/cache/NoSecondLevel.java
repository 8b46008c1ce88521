package com.acme.keyapiproxy.cache;

import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A single instance's second level: none. Nothing is found in it, nobody else fetches,
 * every load runs its loader here, uncontested.
 */
final class NoSecondLevel implements SecondLevel {

	@Override
	public @Nullable StoredPage find(PageKey key) {
		return null;
	}

	@Override
	public boolean isBeingFetched(PageKey key) {
		return false;
	}

	@Override
	public PageCache.Origin fetch(PageLoad load) {
		load.runLoader(FetchClaim.UNCONTESTED, load.into());
		return PageCache.Origin.LOADED;
	}

	@Override
	public void supersede(String userId, int exceptPage, Instant before) {
	}

	@Override
	public void purge(String userId) {
	}

	@Override
	public void purgeAll() {
	}

	@Override
	public void onInvalidation(Consumer<Invalidation> apply) {
	}

}
