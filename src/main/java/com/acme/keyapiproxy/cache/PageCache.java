package com.acme.keyapiproxy.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The page cache: a Caffeine {@link AsyncCache} whose entries are either a page being fetched or a page stored.
 * Holding the in-flight fetch in the cache is the coalescing: however many callers miss one page at once, one
 * loader runs and everybody else joins its future. A failed load is removed by Caffeine, so failures are never
 * cached.
 * <p>
 * A stored page is <em>fresh</em> for {@code proxy.cache.ttl} after it was fetched, and kept for
 * {@code proxy.cache.stale-ttl} longer so it can still be answered when KeyAPI fails. Entries are weighed by their
 * bytes and bounded by {@code proxy.cache.max-size}. Time is read from the injected {@link Clock}.
 * <p>
 * Thread-safe.
 */
@Component
public class PageCache {

	private final AsyncCache<PageKey, StoredPage> pages;

	/** The stored page a load in flight will replace, so it can still be answered (stale) until the load ends. */
	private final Map<PageKey, StoredPage> beingReplaced = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Duration ttl;

	PageCache(CacheProperties properties, Clock clock, MeterRegistry meterRegistry) {
		this.clock = clock;
		this.ttl = properties.ttl();
		Duration retention = properties.ttl().plus(properties.staleTtl());
		this.pages = Caffeine.newBuilder()
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.maximumWeight(properties.maxSize().toBytes())
			.weigher((PageKey key, StoredPage page) -> page.weight())
			.expireAfter(Expiry.writing((PageKey key, StoredPage page) -> nonNegative(
					retention.minus(Duration.between(page.fetchedAt(), clock.instant())))))
			.buildAsync();
		// Exported as keyapi_proxy_cache_size_bytes and keyapi_proxy_cache_entries.
		Gauge.builder("keyapi.proxy.cache.size", this, (cache) -> cache.weightedBytes())
			.description("Bytes held by cached pages (weighed, bounded by proxy.cache.max-size)")
			.baseUnit("bytes")
			.register(meterRegistry);
		Gauge.builder("keyapi.proxy.cache.entries", this.pages, (cache) -> cache.synchronous().estimatedSize())
			.description("Pages held in the cache, fresh and stale")
			.register(meterRegistry);
	}

	/** The page stored for this key if it is still fresh; never loads, never waits. */
	public @Nullable StoredPage fresh(PageKey key) {
		StoredPage page = completed(this.pages.getIfPresent(key));
		return (page != null && isFresh(page)) ? page : null;
	}

	/**
	 * The page stored for this key, fresh or stale, including one that a load in flight is replacing; never loads,
	 * never waits.
	 */
	public @Nullable StoredPage stored(PageKey key) {
		StoredPage page = completed(this.pages.getIfPresent(key));
		return (page != null) ? page : this.beingReplaced.get(key);
	}

	/**
	 * Whether {@link #lookup} would start a load for this key right now: no load is in flight and no stored page is
	 * acceptable. (A hint for deciding who pays before looking up; the lookup itself decides.)
	 */
	public boolean wouldLoad(PageKey key, Predicate<StoredPage> acceptable) {
		CompletableFuture<StoredPage> current = this.pages.getIfPresent(key);
		if (current == null) {
			return true;
		}
		if (!current.isDone()) {
			return false;
		}
		StoredPage page = completed(current);
		return page == null || !acceptable.test(page);
	}

	/** Whether a load for this key is in flight, so a caller can join it. */
	public boolean isLoading(PageKey key) {
		CompletableFuture<StoredPage> current = this.pages.getIfPresent(key);
		return current != null && !current.isDone();
	}

	public boolean isFresh(StoredPage page) {
		return freshFor(page).compareTo(Duration.ZERO) > 0;
	}

	/** How much longer the page is fresh: zero once it is stale or superseded. */
	public Duration freshFor(StoredPage page) {
		if (page.superseded()) {
			return Duration.ZERO;
		}
		return nonNegative(this.ttl.minus(Duration.between(page.fetchedAt(), this.clock.instant())));
	}

	/**
	 * Marks every stored page of an influencer but one as superseded: no longer fresh, still kept to answer stale
	 * when KeyAPI fails. Pages being loaded are left alone: they will be newer.
	 * @return how many were marked
	 */
	public int supersede(String userId, int exceptPage) {
		int marked = 0;
		for (PageKey key : this.pages.asMap().keySet()) {
			if (key.userId().equals(userId) && key.page() != exceptPage) {
				CompletableFuture<StoredPage> after = this.pages.asMap().computeIfPresent(key, (k, current) -> {
					StoredPage page = completed(current);
					return (page != null && !page.superseded())
							? CompletableFuture.completedFuture(page.markedSuperseded()) : current;
				});
				StoredPage page = completed(after);
				marked += (page != null && page.superseded()) ? 1 : 0;
			}
		}
		return marked;
	}

	/**
	 * Answers the key from the cache when its stored page is acceptable, joins a load already in flight, or else
	 * becomes the one caller that loads it.
	 * @param acceptable whether a stored page may be answered as it is
	 * @param loader starts the load; receives the page it replaces ({@code null} when none), so it can fall back to
	 * it. Runs outside any lock, at most once per call, and only for the caller whose {@link Lookup#origin()} is
	 * {@link Origin#LOADED}
	 */
	public Lookup lookup(PageKey key, Predicate<StoredPage> acceptable,
			Function<@Nullable StoredPage, CompletableFuture<StoredPage>> loader) {
		CompletableFuture<StoredPage> current = this.pages.getIfPresent(key);
		StoredPage ready = completed(current);
		if (ready != null && acceptable.test(ready)) {
			return new Lookup(current, Origin.STORED);
		}
		if (current != null && !current.isDone()) {
			return new Lookup(current, Origin.JOINED);
		}
		CompletableFuture<StoredPage> mine = new CompletableFuture<>();
		AtomicReference<@Nullable StoredPage> replaced = new AtomicReference<>();
		CompletableFuture<StoredPage> winner = this.pages.asMap().compute(key, (k, present) -> {
			if (present != null && !present.isDone()) {
				return present;
			}
			StoredPage page = completed(present);
			if (page != null && acceptable.test(page)) {
				return present;
			}
			replaced.set(page);
			return mine;
		});
		if (winner != mine) {
			return new Lookup(winner, winner.isDone() ? Origin.STORED : Origin.JOINED);
		}
		StoredPage previous = replaced.get();
		if (previous != null) {
			this.beingReplaced.put(key, previous);
		}
		try {
			loader.apply(previous).whenComplete((page, failure) -> {
				if (failure != null) {
					mine.completeExceptionally(failure);
				}
				else {
					mine.complete(page);
				}
			});
		}
		catch (RuntimeException ex) {
			mine.completeExceptionally(ex);
		}
		if (previous != null) {
			mine.whenComplete((page, failure) -> this.beingReplaced.remove(key, previous));
		}
		return new Lookup(mine, Origin.LOADED);
	}

	/** Drops every page of one influencer. @return how many were dropped */
	long invalidateInfluencer(String userId) {
		var keys = this.pages.asMap().keySet().stream().filter((key) -> key.userId().equals(userId)).toList();
		this.pages.synchronous().invalidateAll(keys);
		return keys.size();
	}

	/** Drops every page. @return how many were dropped */
	long invalidateAll() {
		long size = this.pages.synchronous().estimatedSize();
		this.pages.synchronous().invalidateAll();
		return size;
	}

	/** Runs pending maintenance (evictions, expirations) now rather than on the next access. */
	void cleanUp() {
		this.pages.synchronous().cleanUp();
	}

	long weightedBytes() {
		return this.pages.synchronous().policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0L)).orElse(0L);
	}

	private static @Nullable StoredPage completed(@Nullable CompletableFuture<StoredPage> future) {
		return (future != null && future.isDone() && !future.isCompletedExceptionally()) ? future.join() : null;
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	/** Where a looked-up page comes from. */
	public enum Origin {

		/** It was in the cache and acceptable. */
		STORED,
		/** Another caller's load was in flight; this caller shares its outcome. */
		JOINED,
		/** This caller started the load. */
		LOADED

	}

	/** A page, now or when its load completes, and where it comes from. */
	public record Lookup(CompletableFuture<StoredPage> page, Origin origin) {
	}

}
