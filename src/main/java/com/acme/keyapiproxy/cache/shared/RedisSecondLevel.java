package com.acme.keyapiproxy.cache.shared;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import com.acme.keyapiproxy.cache.Invalidation;
import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.PageLoad;
import com.acme.keyapiproxy.cache.SecondLevel;
import com.acme.keyapiproxy.cache.StoredPage;

/**
 * Shared mode's second level: the pages every replica fetched, in Redis; one fetch per
 * page across replicas; invalidations applied by every replica. Thread-safe.
 */
final class RedisSecondLevel implements SecondLevel, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisSecondLevel.class);

	private final RedisPageStore store;

	private final FetchLeases leases;

	private final CacheInvalidations invalidations;

	private final @Nullable RedisMessageListenerContainer listeners;

	private final CrossReplicaFetches fetches;

	private final Clock clock;

	RedisSecondLevel(RedisPageStore store, FetchLeases leases, CacheInvalidations invalidations,
			@Nullable RedisMessageListenerContainer listeners, Clock clock) {
		this.store = store;
		this.leases = leases;
		this.invalidations = invalidations;
		this.listeners = listeners;
		this.fetches = new CrossReplicaFetches(store, leases, clock);
		this.clock = clock;
	}

	@Override
	public @Nullable StoredPage find(PageKey key) {
		try {
			return this.store.find(key, this.clock.instant());
		}
		catch (RuntimeException unreachable) {
			return null;
		}
	}

	@Override
	public boolean isBeingFetched(PageKey key) {
		return this.leases.isTaken(key);
	}

	@Override
	public PageCache.Origin fetch(PageLoad load) {
		return this.fetches.fetchOnce(load);
	}

	/**
	 * Redis records one supersession per influencer, of every page but the first: only a
	 * refetched first page supersedes across replicas.
	 */
	@Override
	public void supersede(String userId, int exceptPage, Instant before) {
		if (exceptPage != 1) {
			return;
		}
		try {
			this.store.markSuperseded(userId, before);
			this.invalidations.publish(Invalidation.superseded(userId, before));
		}
		catch (RuntimeException unreachable) {
			log.warn("Could not mark influencer {}'s deeper pages superseded on the other replicas: {}", userId,
					unreachable.getMessage());
		}
	}

	@Override
	public void purge(String userId) {
		this.store.delete(userId);
		this.invalidations.publish(Invalidation.purged(userId));
	}

	@Override
	public void purgeAll() {
		this.store.deleteAll();
		this.invalidations.publish(Invalidation.purgedAll());
	}

	@Override
	public void onInvalidation(Consumer<Invalidation> apply) {
		if (this.listeners != null) {
			this.invalidations.subscribe(this.listeners, apply);
		}
	}

	@Override
	public void close() {
		this.fetches.stop();
	}

}
