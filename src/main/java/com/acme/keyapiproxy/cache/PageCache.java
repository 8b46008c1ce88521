package com.acme.keyapiproxy.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The page cache: a Caffeine {@link AsyncCache} whose entries are either a page being
 * fetched or a page stored. Holding the in-flight fetch in the cache is the coalescing:
 * however many callers miss one page at once, one loader runs and everybody else joins
 * its future. A failed load is removed by Caffeine, so failures are never cached.
 * <p>
 * A stored page is <em>fresh</em> for {@code proxy.cache.ttl} after it was fetched, and
 * kept for {@code proxy.cache.stale-ttl} longer so it can still be answered when KeyAPI
 * fails. Entries are weighed by their bytes and bounded by {@code proxy.cache.max-size}.
 * Time is read from the injected {@link Clock}.
 * <p>
 * Under the memory there is one {@link SecondLevel} (Redis in shared mode, none for a
 * single instance): asked when memory has no fresh page, and handed every load, which it
 * runs (or, in shared mode, has another replica run) and keeps. A page found there that
 * is newer than memory's is promoted into memory: the only write a look at a stored page
 * makes, and the reason the reads are named for it ({@link #freshOrPromoted},
 * {@link #storedOrPromoted}; {@link #lookup} too).
 * <p>
 * Thread-safe.
 */
@Component
public class PageCache {

	private final AsyncCache<PageKey, StoredPage> pages;

	/**
	 * The stored page a load in flight will replace, so it can still be answered (stale)
	 * until the load ends.
	 */
	private final Map<PageKey, StoredPage> beingReplaced = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Duration ttl;

	/** Under the memory: Redis in shared mode, none for a single instance. */
	private final SecondLevel secondLevel;

	PageCache(CacheProperties properties, Clock clock, MeterRegistry meterRegistry) {
		this(properties, clock, meterRegistry, new NoSecondLevel());
	}

	/** With the second level configured (in shared mode), else none. */
	@Autowired
	PageCache(CacheProperties properties, Clock clock, MeterRegistry meterRegistry,
			ObjectProvider<SecondLevel> secondLevel) {
		this(properties, clock, meterRegistry, secondLevel.getIfAvailable(NoSecondLevel::new));
	}

	PageCache(CacheProperties properties, Clock clock, MeterRegistry meterRegistry, SecondLevel secondLevel) {
		this.clock = clock;
		this.ttl = properties.ttl();
		this.secondLevel = secondLevel;
		secondLevel.onInvalidation(this::applyInvalidation);
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

	/**
	 * The page stored for this key if it is still fresh; never loads, never waits. When
	 * memory has no fresh page, the second level is asked, and a newer page found there
	 * is promoted: written into memory and kept there from then on (so this read may
	 * write).
	 */
	public @Nullable StoredPage freshOrPromoted(PageKey key) {
		StoredPage page = inMemory(key);
		if (page == null || !isFresh(page)) {
			page = newer(page, promoteFromSecondLevel(key));
		}
		return (page != null && isFresh(page)) ? page : null;
	}

	/**
	 * The page stored for this key, fresh or stale, including one that a load in flight
	 * is replacing; never loads, never waits. When memory has no fresh page, the second
	 * level is asked, and a newer page found there is promoted: written into memory and
	 * kept there from then on (so this read may write).
	 */
	public @Nullable StoredPage storedOrPromoted(PageKey key) {
		StoredPage page = inMemory(key);
		if (page == null) {
			page = this.beingReplaced.get(key);
		}
		if (page == null || !isFresh(page)) {
			page = newer(page, promoteFromSecondLevel(key));
		}
		return page;
	}

	/**
	 * Whether {@link #lookup} would start a load for this key right now: no load is in
	 * flight (here or, through the second level, elsewhere) and no stored page is
	 * acceptable. A hint for deciding who pays before looking up (the lookup itself
	 * decides); changes nothing.
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when the second
	 * level cannot tell whether the page is being fetched elsewhere
	 */
	public boolean wouldLoad(PageKey key, Predicate<StoredPage> acceptable) {
		CompletableFuture<StoredPage> current = this.pages.getIfPresent(key);
		if (current != null && !current.isDone()) {
			return false;
		}
		StoredPage page = completed(current);
		if (page != null && acceptable.test(page)) {
			return false;
		}
		StoredPage lower = this.secondLevel.find(key);
		return (lower == null || !acceptable.test(lower)) && !this.secondLevel.isBeingFetched(key);
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
	 * Marks every stored page of an influencer but one as superseded: no longer fresh,
	 * still kept to answer stale when KeyAPI fails. Pages being loaded are left alone:
	 * they will be newer.
	 * @return how many were marked
	 */
	public int supersede(String userId, int exceptPage) {
		Instant before = this.clock.instant();
		int marked = supersedeInMemory(userId, exceptPage, before);
		this.secondLevel.supersede(userId, exceptPage, before);
		return marked;
	}

	private int supersedeInMemory(String userId, int exceptPage, Instant before) {
		int marked = 0;
		for (PageKey key : this.pages.asMap().keySet()) {
			if (key.userId().equals(userId) && key.page() != exceptPage) {
				CompletableFuture<StoredPage> after = this.pages.asMap().computeIfPresent(key, (k, current) -> {
					StoredPage page = completed(current);
					return (page != null && !page.superseded() && page.fetchedAt().isBefore(before))
							? CompletableFuture.completedFuture(page.markedSuperseded()) : current;
				});
				StoredPage page = completed(after);
				marked += (page != null && page.superseded()) ? 1 : 0;
			}
		}
		return marked;
	}

	/**
	 * Answers the key from the cache when its stored page is acceptable, joins a load
	 * already in flight, or else becomes the one caller that loads it.
	 * @param acceptable whether a stored page may be answered as it is
	 * @param loader starts the load; receives the page it replaces ({@code null} when
	 * none), so it can fall back to it, and the load's claim on the page. Runs outside
	 * any lock, at most once at a time per call, and only for the caller whose
	 * {@link Lookup#origin()} is {@link Origin#LOADED} (in shared mode also for a caller
	 * that joined another replica's fetch, when that replica's lease goes without a page)
	 */
	public Lookup lookup(PageKey key, Predicate<StoredPage> acceptable, PageLoader loader) {
		CompletableFuture<StoredPage> current = this.pages.getIfPresent(key);
		StoredPage ready = completed(current);
		if (current != null && ready != null && acceptable.test(ready)) {
			return new Lookup(current, Origin.STORED);
		}
		if (current != null && !current.isDone()) {
			return new Lookup(current, Origin.JOINED);
		}
		StoredPage lower = promoteFromSecondLevel(key);
		if (lower != null && acceptable.test(lower)) {
			return new Lookup(CompletableFuture.completedFuture(lower), Origin.STORED);
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
			if (page != null) {
				// In the same step as the load takes the page's place: a reader must
				// never find neither.
				this.beingReplaced.put(k, page);
			}
			return mine;
		});
		if (winner != mine) {
			return new Lookup(winner, winner.isDone() ? Origin.STORED : Origin.JOINED);
		}
		StoredPage previous = replaced.get();
		if (previous != null) {
			mine.whenComplete((page, failure) -> this.beingReplaced.remove(key, previous));
		}
		Instant known = (lower != null) ? lower.fetchedAt() : null;
		return new Lookup(mine, this.secondLevel.fetch(new PageLoad(key, acceptable, known, previous, loader, mine)));
	}

	/**
	 * The page the second level holds, promoted into memory when memory has none or an
	 * older one (never replacing a load in flight): the one place a read writes to
	 * memory. {@code null} when the second level has none.
	 */
	private @Nullable StoredPage promoteFromSecondLevel(PageKey key) {
		StoredPage page = this.secondLevel.find(key);
		if (page == null) {
			return null;
		}
		CompletableFuture<StoredPage> promoted = CompletableFuture.completedFuture(page);
		this.pages.asMap().compute(key, (k, present) -> {
			if (present == null || present.isCompletedExceptionally()) {
				return promoted;
			}
			StoredPage local = completed(present);
			return (local != null && local.fetchedAt().isBefore(page.fetchedAt())) ? promoted : present;
		});
		return page;
	}

	private @Nullable StoredPage inMemory(PageKey key) {
		return completed(this.pages.getIfPresent(key));
	}

	/**
	 * Applies a purge or supersession made through the second level by any instance (this
	 * one's own included: applying twice is harmless).
	 */
	private void applyInvalidation(Invalidation invalidation) {
		String userId = invalidation.userId();
		Instant supersededBefore = invalidation.supersededBefore();
		if (supersededBefore != null) {
			supersedeInMemory(Objects.requireNonNull(userId, "A supersession always names its influencer"), 1,
					supersededBefore);
		}
		else if (userId != null) {
			invalidateInMemory(userId);
		}
		else {
			this.pages.synchronous().invalidateAll();
		}
	}

	/**
	 * Drops every page of one influencer, on every replica. @return how many were dropped
	 * here
	 */
	long invalidateInfluencer(String userId) {
		long dropped = invalidateInMemory(userId);
		this.secondLevel.purge(userId);
		return dropped;
	}

	private long invalidateInMemory(String userId) {
		var keys = this.pages.asMap().keySet().stream().filter((key) -> key.userId().equals(userId)).toList();
		this.pages.synchronous().invalidateAll(keys);
		return keys.size();
	}

	/** Drops every page, on every replica. @return how many were dropped here */
	long invalidateAll() {
		long size = this.pages.synchronous().estimatedSize();
		this.pages.synchronous().invalidateAll();
		this.secondLevel.purgeAll();
		return size;
	}

	/**
	 * Runs pending maintenance (evictions, expirations) now rather than on the next
	 * access.
	 */
	void cleanUp() {
		this.pages.synchronous().cleanUp();
	}

	long weightedBytes() {
		return this.pages.synchronous()
			.policy()
			.eviction()
			.map((eviction) -> eviction.weightedSize().orElse(0L))
			.orElse(0L);
	}

	private static @Nullable StoredPage completed(@Nullable CompletableFuture<StoredPage> future) {
		return (future != null && future.isDone() && !future.isCompletedExceptionally()) ? future.join() : null;
	}

	private static @Nullable StoredPage newer(@Nullable StoredPage one, @Nullable StoredPage other) {
		if (one == null || other == null) {
			return (one != null) ? one : other;
		}
		return other.fetchedAt().isAfter(one.fetchedAt()) ? other : one;
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
