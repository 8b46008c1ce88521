package com.acme.keyapiproxy.livestreams;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

import com.acme.keyapiproxy.budget.Budget;
import com.acme.keyapiproxy.budget.BudgetExhausted;
import com.acme.keyapiproxy.budget.Reservation;
import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.upstream.KeyApiClient;
import com.acme.keyapiproxy.upstream.LivestreamsQuery;
import com.acme.keyapiproxy.upstream.UpstreamFailure;

/**
 * The one place that knows the order of things for {@code GET /influencers/{userId}/livestreams}: the cache first
 * (a stale page is answered at once while one refetch runs behind it); on a miss a credit reserved for the caller's
 * team, then one fetch per page however many callers ask (the others join it, for free, whatever their team's
 * allowance); a page that cannot be refetched is answered stale rather than not at all.
 * <p>
 * Thread-safe.
 */
@Service
public class LivestreamPages {

	private final PageCache cache;

	private final KeyApiClient keyApi;

	private final Budget budget;

	private final Clock clock;

	private final Map<Delivery, Counter> lookups = new EnumMap<>(Delivery.class);

	LivestreamPages(PageCache cache, KeyApiClient keyApi, Budget budget, Clock clock, MeterRegistry meterRegistry) {
		this.cache = cache;
		this.keyApi = keyApi;
		this.budget = budget;
		this.clock = clock;
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
	 * Answers a page, fetching it from KeyAPI (on the team's budget) when the cache cannot.
	 * @return the answer, or a future failed with {@link NotCached}, a {@link BudgetExhausted} or an
	 * {@link UpstreamFailure}
	 */
	public CompletableFuture<Answer> answer(PageKey key, CacheDirectives directives, Team team) {
		if (directives.onlyIfCached()) {
			Answer cached = freshFromCache(key);
			if (cached == null) {
				count(Delivery.MISS);
				return CompletableFuture.failedFuture(new NotCached());
			}
			return CompletableFuture.completedFuture(cached);
		}
		Predicate<StoredPage> acceptable = acceptableFor(directives);
		if (!directives.asksForRefetch()) {
			StoredPage stale = this.cache.stored(key);
			if (stale != null && !this.cache.isFresh(stale)) {
				revalidateInBackground(key, team, acceptable);
				return CompletableFuture.completedFuture(count(answer(stale, Delivery.STALE, 0)));
			}
		}
		Reservation reservation = null;
		if (this.cache.wouldLoad(key, acceptable)) {
			try {
				reservation = this.budget.reserve(team);
			}
			catch (BudgetExhausted exhausted) {
				StoredPage stale = this.cache.stored(key);
				if (stale != null) {
					return CompletableFuture.completedFuture(count(answer(stale, Delivery.STALE, 0)));
				}
				if (!this.cache.isLoading(key)) {
					count(Delivery.MISS);
					return CompletableFuture.failedFuture(exhausted);
				}
			}
		}
		Reservation paidFor = reservation;
		AtomicInteger charged = new AtomicInteger();
		PageCache.Lookup lookup = this.cache.lookup(key, acceptable,
				(replaced) -> fetch(key, team, paidFor, charged, replaced));
		if (lookup.origin() != PageCache.Origin.LOADED && reservation != null) {
			this.budget.settle(reservation, 0);
		}
		return lookup.page().handle((page, failure) -> {
			if (failure != null) {
				throw failedFor(lookup.origin(), unwrapped(failure), charged.get());
			}
			return count(switch (lookup.origin()) {
				case STORED -> answer(page, Delivery.HIT, 0);
				case JOINED -> answer(page, this.cache.isFresh(page) ? Delivery.COLLAPSED : Delivery.STALE, 0);
				case LOADED -> answer(page, loadedDelivery(page, directives), charged.get());
			});
		});
	}

	/**
	 * Stale-while-revalidate: the caller already has its (stale) answer; one refetch per page runs behind it, paid by
	 * the caller's team if its allowance permits, else not at all.
	 */
	private void revalidateInBackground(PageKey key, Team team, Predicate<StoredPage> acceptable) {
		if (!this.cache.wouldLoad(key, acceptable)) {
			return;
		}
		Reservation reservation;
		try {
			reservation = this.budget.reserve(team);
		}
		catch (BudgetExhausted exhausted) {
			return;
		}
		AtomicInteger charged = new AtomicInteger();
		PageCache.Lookup lookup = this.cache.lookup(key, acceptable,
				(replaced) -> fetch(key, team, reservation, charged, replaced));
		if (lookup.origin() != PageCache.Origin.LOADED) {
			this.budget.settle(reservation, 0);
		}
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

	/**
	 * Fetches and stores a page on the team's budget; when it cannot, falls back to the page it replaces, if any.
	 * @param reservation the credit set aside before the lookup, or {@code null} when the caller expected to join a
	 * load that had ended by the time it looked (then it reserves now)
	 */
	private CompletableFuture<StoredPage> fetch(PageKey key, Team team, @Nullable Reservation reservation,
			AtomicInteger charged, @Nullable StoredPage replaced) {
		Reservation paidFor;
		try {
			paidFor = (reservation != null) ? reservation : this.budget.reserve(team);
		}
		catch (BudgetExhausted exhausted) {
			return (replaced != null) ? CompletableFuture.completedFuture(replaced)
					: CompletableFuture.failedFuture(exhausted);
		}
		LivestreamsQuery query = new LivestreamsQuery(key.userId(), key.page(), key.size(), team.name(),
				team.weight());
		return this.keyApi.fetch(query, charged::incrementAndGet)
			.map((vendorPage) -> LivestreamPageBody.render(key, vendorPage, this.clock.instant()))
			.doFinally((signal) -> this.budget.settle(paidFor, charged.get()))
			.toFuture()
			.exceptionally((failure) -> {
				Throwable cause = unwrapped(failure);
				if (replaced != null && cause instanceof UpstreamFailure) {
					return replaced;
				}
				throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
			});
	}

	/** Only the caller whose miss it was pays for a failed fetch; callers who joined it did not. */
	private static RuntimeException failedFor(PageCache.Origin origin, Throwable failure, int charged) {
		RuntimeException runtime = (failure instanceof RuntimeException r) ? r : new CompletionException(failure);
		return (origin == PageCache.Origin.LOADED && charged > 0) ? new FailedAfterCharge(runtime, charged) : runtime;
	}

	private static Throwable unwrapped(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
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

}
