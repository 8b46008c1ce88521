package com.acme.keyapiproxy.livestreams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

import com.acme.keyapiproxy.budget.Budget;
import com.acme.keyapiproxy.budget.BudgetExhausted;
import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.cache.FetchClaim;
import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.upstream.KeyApiClient;
import com.acme.keyapiproxy.upstream.LivestreamsQuery;
import com.acme.keyapiproxy.upstream.UpstreamFailure;
import com.acme.keyapiproxy.upstream.VendorPage;

/**
 * The one place that knows the order of things for {@code GET
 * /influencers/{userId}/livestreams}: the cache first (a stale page is answered at once
 * while one refetch runs behind it); on a miss a credit reserved for the caller's team
 * (held while the miss waits in line, spent just before it is sent), then one fetch per
 * page however many callers ask (the others join it, for free, whatever their team's
 * allowance); a page that cannot be refetched is answered stale rather than not at all.
 * <p>
 * Thread-safe.
 */
@Service
public class LivestreamPages {

	private static final Logger log = LoggerFactory.getLogger(LivestreamPages.class);

	private final PageCache cache;

	private final KeyApiClient keyApi;

	private final Budget budget;

	private final Clock clock;

	private final PageViews views = new PageViews();

	private final Map<Delivery, Counter> lookups = new EnumMap<>(Delivery.class);

	LivestreamPages(PageCache cache, KeyApiClient keyApi, Budget budget, Clock clock, MeterRegistry meterRegistry) {
		this.cache = cache;
		this.keyApi = keyApi;
		this.budget = budget;
		this.clock = clock;
		for (Delivery delivery : Delivery.values()) {
			this.lookups.put(delivery,
					Counter.builder("keyapi.proxy.cache.requests")
						.description("Every page lookup, by how it was answered (hit, miss, stale, collapsed, bypass)")
						.tag("result", delivery.metricResult())
						.register(meterRegistry));
		}
	}

	/**
	 * The longest an answer that needs KeyAPI can take: every wait on its way is bounded.
	 */
	public Duration longestAnswer() {
		return this.keyApi.longestMiss();
	}

	/**
	 * The cheap path for a request without cache directives: answered from fresh stored
	 * pages or not at all, synchronously. A page the cache's second level holds newer
	 * than memory's is promoted into memory on the way
	 * ({@link PageCache#freshOrPromoted}).
	 */
	public @Nullable Answer freshFromCache(PageRequest request) {
		PageKey[] keys = request.coveringPages();
		List<Part> parts = new ArrayList<>(keys.length);
		for (PageKey key : keys) {
			StoredPage page = this.cache.freshOrPromoted(key);
			if (page == null) {
				return null;
			}
			parts.add(new Part(page, Delivery.HIT, 0));
		}
		return count(answer(request, parts));
	}

	/**
	 * Answers a request, fetching the KeyAPI pages it needs (on the team's budget) when
	 * the cache cannot.
	 * @return the answer, or a future failed with {@link NotCached}, a
	 * {@link BudgetExhausted}, {@link CreditsStillHeld}, an {@link UpstreamFailure} or a
	 * {@link FailedAfterCharge}
	 */
	public CompletableFuture<Answer> answer(PageRequest request, CacheDirectives directives, Team team) {
		if (directives.onlyIfCached()) {
			Answer cached = freshFromCache(request);
			if (cached == null) {
				count(Delivery.MISS);
				return CompletableFuture.failedFuture(new NotCached());
			}
			return CompletableFuture.completedFuture(cached);
		}
		List<CompletableFuture<Part>> parts = new ArrayList<>(2);
		for (PageKey key : request.coveringPages()) {
			parts.add(part(key, directives, team));
		}
		return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
			if (failure != null) {
				count(Delivery.MISS);
				throw firstFailure(parts);
			}
			return count(answer(request, parts.stream().map(CompletableFuture::join).toList()));
		});
	}

	/**
	 * One KeyAPI page for one caller: a stale page answered at once (refetched behind
	 * it), else the credit for a fetch, then the page stored, joined or fetched.
	 */
	private CompletableFuture<Part> part(PageKey key, CacheDirectives directives, Team team) {
		Predicate<StoredPage> acceptable = acceptableFor(directives);
		StoredPage stale = directives.asksForRefetch() ? null : staleToRevalidate(key);
		if (stale != null) {
			revalidateInBackground(key, team, acceptable);
			return CompletableFuture.completedFuture(new Part(stale, Delivery.STALE, 0));
		}
		PaidFetch paid;
		try {
			paid = creditFor(key, acceptable, team);
		}
		catch (BudgetExhausted | CreditsStillHeld | SharedStateUnavailable refused) {
			return StaleOrRefuse.answer(this.cache.storedOrPromoted(key), refused)
				.thenApply((page) -> new Part(page, Delivery.STALE, 0));
		}
		PageCache.Lookup lookup = lookUp(key, acceptable, paid, team);
		return lookup.page().handle((page, failure) -> {
			if (failure != null) {
				throw failedFor(StaleOrRefuse.unwrapped(failure), paid.charged());
			}
			return partOf(page, lookup.origin(), paid, directives);
		});
	}

	/** A stored page past its freshness (not superseded): answered while refetched. */
	private @Nullable StoredPage staleToRevalidate(PageKey key) {
		StoredPage stored = this.cache.storedOrPromoted(key);
		return (stored != null && !this.cache.isFresh(stored) && !stored.superseded()) ? stored : null;
	}

	/**
	 * The credit this caller's lookup runs on: reserved when it would load the page, none
	 * when it would join a fetch in flight. A caller refused a credit still takes a page
	 * stored while it waited, or joins a fetch another caller pays for when it has no
	 * stale page to be answered with.
	 * @throws BudgetExhausted or {@link CreditsStillHeld} when it would have to pay and
	 * cannot
	 * @throws SharedStateUnavailable when nobody can account for a fetch now
	 */
	private PaidFetch creditFor(PageKey key, Predicate<StoredPage> acceptable, Team team) {
		if (!this.cache.wouldLoad(key, acceptable)) {
			return PaidFetch.unreserved(this.budget, team);
		}
		try {
			return PaidFetch.reserved(this.budget, team);
		}
		catch (BudgetExhausted | CreditsStillHeld refused) {
			boolean storedMeanwhile = !this.cache.isLoading(key) && !this.cache.wouldLoad(key, acceptable);
			boolean joinable = this.cache.storedOrPromoted(key) == null && this.cache.isLoading(key);
			if (storedMeanwhile || joinable) {
				return PaidFetch.unreserved(this.budget, team);
			}
			throw refused;
		}
	}

	/**
	 * Stale-while-revalidate: the caller already has its (stale) answer; one refetch per
	 * page runs behind it, paid by the caller's team if its allowance permits, else not
	 * at all.
	 */
	private void revalidateInBackground(PageKey key, Team team, Predicate<StoredPage> acceptable) {
		try {
			if (this.cache.wouldLoad(key, acceptable)) {
				lookUp(key, acceptable, PaidFetch.reservedWithoutWaiting(this.budget, team), team);
			}
		}
		catch (BudgetExhausted | CreditsStillHeld | SharedStateUnavailable notNow) {
			// The stale page was answered; it is refetched on a later request.
		}
	}

	/**
	 * Looks the page up, fetching it on the caller's credit if this caller is the one to
	 * load it; a credit no loader took (the page was there, another caller's fetch was
	 * joined, or the cache ended the lookup without loading) is refunded.
	 */
	private PageCache.Lookup lookUp(PageKey key, Predicate<StoredPage> acceptable, PaidFetch paid, Team team) {
		PageCache.Lookup lookup = this.cache.lookup(key, acceptable,
				(replaced, claim) -> fetch(key, team, paid, replaced, claim));
		if (lookup.origin() != PageCache.Origin.LOADED) {
			paid.refundIfUnused();
		}
		lookup.page().whenComplete((page, failure) -> paid.refundIfUnused());
		return lookup;
	}

	/**
	 * Fetches and stores a page on the caller's credit; when it cannot, answers the page
	 * it replaces if the failure allows ({@link StaleOrRefuse}).
	 */
	private CompletableFuture<StoredPage> fetch(PageKey key, Team team, PaidFetch paid, @Nullable StoredPage replaced,
			FetchClaim claim) {
		LivestreamsQuery query = new LivestreamsQuery(key.userId(), key.page(), PageRequest.VENDOR_PAGE_SIZE,
				team.name(), team.weight());
		return paid
			.load((beforeFirstSend, onCreditSpent) -> this.keyApi
				.fetch(query, beforeFirstSend, claim::confirmHeld, onCreditSpent)
				.map((vendorPage) -> stored(key, vendorPage))
				.doOnNext((page) -> supersedeDeeperPagesIfHistoryShifted(key, replaced, page)))
			.exceptionally((failure) -> StaleOrRefuse.staleOrThrow(replaced, failure));
	}

	/** How the page reached this caller, and what it cost the caller's team. */
	private Part partOf(StoredPage page, PageCache.Origin origin, PaidFetch paid, CacheDirectives directives) {
		boolean fresh = this.cache.isFresh(page);
		Part joined = new Part(page, fresh ? Delivery.COLLAPSED : Delivery.STALE, 0);
		Part fetched = new Part(page, loadedDelivery(page, directives), paid.charged());
		return switch (origin) {
			case STORED -> new Part(page, fresh ? Delivery.HIT : Delivery.STALE, 0);
			// Joined another replica's fetch, or took it over (and paid) when it died.
			case JOINED -> (paid.charged() > 0) ? fetched : joined;
			// Or began to, and waited for another replica's fetch when that one took it
			// over before it was sent.
			case LOADED -> (paid.wasTakenOver() && paid.charged() == 0) ? joined : fetched;
		};
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

	private StoredPage stored(PageKey key, VendorPage vendorPage) {
		Instant now = this.clock.instant();
		PageView whole = LivestreamPageBody.render(
				new PageRequest(key.userId(), key.page(), PageRequest.VENDOR_PAGE_SIZE), vendorPage.items(), now,
				vendorPage.requestId());
		return new StoredPage(vendorPage.items(), vendorPage.requestId(), now, whole.body(), whole.etag(), false);
	}

	/**
	 * Consistent pagination: when a refetched first page starts with a livestream the
	 * previous one did not, the history has shifted, and the influencer's deeper pages
	 * (fetched before) would repeat or skip livestreams next to it. They are marked
	 * superseded, so they are refetched before being answered as fresh again.
	 */
	private void supersedeDeeperPagesIfHistoryShifted(PageKey key, @Nullable StoredPage replaced, StoredPage page) {
		if (key.page() != 1 || replaced == null || page.items().isEmpty()) {
			return;
		}
		String newest = LivestreamPageBody.roomId(page.items().get(0));
		String previouslyNewest = replaced.items().isEmpty() ? null
				: LivestreamPageBody.roomId(replaced.items().get(0));
		if (newest != null && !newest.equals(previouslyNewest)) {
			int marked = this.cache.supersede(key.userId(), 1);
			log.info("Influencer {} has new livestreams at the top: {} deeper cached pages marked superseded",
					key.userId(), marked);
		}
	}

	private Answer answer(PageRequest request, List<Part> parts) {
		Instant now = this.clock.instant();
		List<StoredPage> pages = new ArrayList<>(parts.size());
		long age = 0;
		Duration freshFor = null;
		int credits = 0;
		for (Part part : parts) {
			pages.add(part.page());
			age = Math.max(age, part.page().ageSeconds(now));
			Duration partFreshFor = this.cache.freshFor(part.page());
			freshFor = (freshFor == null || partFreshFor.compareTo(freshFor) < 0) ? partFreshFor : freshFor;
			credits += part.credits();
		}
		return new Answer(this.views.of(request, pages), combined(parts), age,
				Objects.requireNonNull(freshFor, "A request covers at least one page"), credits);
	}

	/**
	 * How an answer made of several pages reached the caller: the least cached of its
	 * parts says it.
	 */
	private static Delivery combined(List<Part> parts) {
		for (Delivery worst : List.of(Delivery.STALE, Delivery.BYPASS, Delivery.MISS, Delivery.COLLAPSED)) {
			if (parts.stream().anyMatch((part) -> part.delivery() == worst)) {
				return worst;
			}
		}
		return Delivery.HIT;
	}

	private static RuntimeException firstFailure(List<CompletableFuture<Part>> parts) {
		for (CompletableFuture<Part> part : parts) {
			if (part.isCompletedExceptionally()) {
				try {
					part.join();
				}
				catch (CompletionException ex) {
					Throwable cause = StaleOrRefuse.unwrapped(ex);
					return (cause instanceof RuntimeException runtime) ? runtime : ex;
				}
			}
		}
		return new IllegalStateException("A part failed but none is failed");
	}

	/**
	 * Only the caller whose loader ran pays for a failed fetch ({@code charged} counts
	 * its credits); callers who joined it did not.
	 */
	private static RuntimeException failedFor(Throwable failure, int charged) {
		RuntimeException runtime = (failure instanceof RuntimeException r) ? r : new CompletionException(failure);
		return (charged > 0) ? new FailedAfterCharge(runtime, charged) : runtime;
	}

	private Answer count(Answer answer) {
		count(answer.delivery());
		return answer;
	}

	private void count(Delivery delivery) {
		Objects.requireNonNull(this.lookups.get(delivery), "The constructor registers a counter for every delivery")
			.increment();
	}

	/** One KeyAPI page's share in an answer. */
	private record Part(StoredPage page, Delivery delivery, int credits) {
	}

}
