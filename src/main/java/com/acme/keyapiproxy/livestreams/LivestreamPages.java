package com.acme.keyapiproxy.livestreams;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.upstream.KeyApiClient;
import com.acme.keyapiproxy.upstream.LivestreamsQuery;
import com.acme.keyapiproxy.upstream.UpstreamFailure;

/**
 * The one place that knows the order of things for {@code GET /influencers/{userId}/livestreams}: the cache first;
 * on a miss one fetch per page however many callers ask (the others join it, for free); a page that cannot be
 * refetched is answered stale rather than not at all.
 * <p>
 * Thread-safe.
 */
@Service
public class LivestreamPages {

	private final PageCache cache;

	private final KeyApiClient keyApi;

	private final Clock clock;

	private final MeterRegistry meterRegistry;

	private final Map<Delivery, Counter> lookups = new EnumMap<>(Delivery.class);

	private final Map<String, Counter> creditsByTeam = new ConcurrentHashMap<>();

	LivestreamPages(PageCache cache, KeyApiClient keyApi, Clock clock, MeterRegistry meterRegistry) {
		this.cache = cache;
		this.keyApi = keyApi;
		this.clock = clock;
		this.meterRegistry = meterRegistry;
		for (Delivery delivery : Delivery.values()) {
			this.lookups.put(delivery, Counter.builder("keyapi.proxy.cache.requests")
				.description("Every page lookup, by how it was answered (hit, miss, stale, collapsed, bypass)")
				.tag("result", delivery.metricResult())
				.register(meterRegistry));
		}
	}

	/**
	 * The cheap path for a request without cache directives: a fresh stored page or nothing, synchronously.
	 */
	public @Nullable Answer freshFromCache(PageKey key) {
		StoredPage page = this.cache.fresh(key);
		return (page != null) ? count(answer(page, Delivery.HIT, 0)) : null;
	}

	/**
	 * Answers a page, fetching it from KeyAPI when the cache cannot.
	 * @return the answer, or a future failed with {@link NotCached} or an {@link UpstreamFailure}
	 */
	public CompletableFuture<Answer> answer(PageKey key, CacheDirectives directives, String team) {
		if (directives.onlyIfCached()) {
			Answer cached = freshFromCache(key);
			if (cached == null) {
				count(Delivery.MISS);
				return CompletableFuture.failedFuture(new NotCached());
			}
			return CompletableFuture.completedFuture(cached);
		}
		AtomicInteger charged = new AtomicInteger();
		PageCache.Lookup lookup = this.cache.lookup(key, acceptableFor(directives),
				(replaced) -> fetch(key, team, charged, replaced));
		return lookup.page().thenApply((page) -> count(switch (lookup.origin()) {
			case STORED -> answer(page, Delivery.HIT, 0);
			case JOINED -> answer(page, this.cache.isFresh(page) ? Delivery.COLLAPSED : Delivery.STALE, 0);
			case LOADED -> answer(page, loadedDelivery(page, directives), charged.get());
		}));
	}

	private Predicate<StoredPage> acceptableFor(CacheDirectives directives) {
		if (directives.noCache()) {
			return (page) -> false;
		}
		Long maxAge = directives.maxAgeSeconds();
		return (page) -> this.cache.isFresh(page)
				&& (maxAge == null || page.ageSeconds(this.clock.instant()) <= maxAge);
	}

	private Delivery loadedDelivery(StoredPage page, CacheDirectives directives) {
		if (!this.cache.isFresh(page)) {
			return Delivery.STALE;
		}
		return directives.asksForRefetch() ? Delivery.BYPASS : Delivery.MISS;
	}

	/** Fetches and stores a page; when KeyAPI cannot give it, falls back to the page it replaces, if any. */
	private CompletableFuture<StoredPage> fetch(PageKey key, String team, AtomicInteger charged,
			@Nullable StoredPage replaced) {
		LivestreamsQuery query = new LivestreamsQuery(key.userId(), key.page(), key.size(), team);
		return this.keyApi.fetch(query, () -> {
			charged.incrementAndGet();
			creditsSpent(team).increment();
		})
			.map((vendorPage) -> LivestreamPageBody.render(key, vendorPage, this.clock.instant()))
			.toFuture()
			.exceptionally((failure) -> {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				if (replaced != null && cause instanceof UpstreamFailure) {
					return replaced;
				}
				throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
			});
	}

	private Answer answer(StoredPage page, Delivery delivery, int creditsCharged) {
		return new Answer(page, delivery, page.ageSeconds(this.clock.instant()), this.cache.freshFor(page),
				creditsCharged);
	}

	private Answer count(Answer answer) {
		count(answer.delivery());
		return answer;
	}

	private void count(Delivery delivery) {
		this.lookups.get(delivery).increment();
	}

	private Counter creditsSpent(String team) {
		return this.creditsByTeam.computeIfAbsent(team, (name) -> Counter.builder("keyapi.proxy.credits.spent")
			.description("Credits KeyAPI charged, by the team whose request caused them")
			.tag("team", name)
			.register(this.meterRegistry));
	}

}
