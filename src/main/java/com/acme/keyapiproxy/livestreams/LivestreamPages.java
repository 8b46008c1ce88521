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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
import com.acme.keyapiproxy.budget.Reservation;
import com.acme.keyapiproxy.cache.FetchClaim;
import com.acme.keyapiproxy.cache.FetchTakenOver;
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
	 * pages or not at all, synchronously.
	 */
	public @Nullable Answer freshFromCache(PageRequest request) {
		PageKey[] keys = request.coveringPages();
		List<Part> parts = new ArrayList<>(keys.length);
		for (PageKey key : keys) {
			StoredPage page = this.cache.fresh(key);
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
	 * One KeyAPI page for one caller: from the cache, stale while it is refetched, or
	 * fetched (or joined).
	 */
	private CompletableFuture<Part> part(PageKey key, CacheDirectives directives, Team team) {
		Predicate<StoredPage> acceptable = acceptableFor(directives);
		if (!directives.asksForRefetch()) {
			StoredPage stale = this.cache.stored(key);
			if (stale != null && !this.cache.isFresh(stale) && !stale.superseded()) {
				revalidateInBackground(key, team, acceptable);
				return CompletableFuture.completedFuture(new Part(stale, Delivery.STALE, 0));
			}
		}
		Reservation reservation = null;
		try {
			if (this.cache.wouldLoad(key, acceptable)) {
				reservation = this.budget.reserve(team);
			}
		}
		catch (BudgetExhausted | CreditsStillHeld refused) {
			// While it waited for held credits, another caller's fetch of this very page
			// may have stored it.
			boolean storedMeanwhile = !this.cache.isLoading(key) && !this.cache.wouldLoad(key, acceptable);
			if (!storedMeanwhile) {
				StoredPage stale = this.cache.stored(key);
				if (stale != null) {
					return CompletableFuture.completedFuture(new Part(stale, Delivery.STALE, 0));
				}
				if (!this.cache.isLoading(key)) {
					return CompletableFuture.failedFuture(refused);
				}
			}
		}
		catch (SharedStateUnavailable unreachable) {
			// Nobody can account for a fetch now: a stored page, however old, is better
			// than nothing.
			StoredPage stale = this.cache.stored(key);
			return (stale != null) ? CompletableFuture.completedFuture(new Part(stale, Delivery.STALE, 0))
					: CompletableFuture.failedFuture(unreachable);
		}
		AtomicInteger charged = new AtomicInteger();
		AtomicBoolean takenOver = new AtomicBoolean();
		PageCache.Lookup lookup = lookUp(key, team, acceptable, reservation, charged, takenOver);
		return lookup.page().handle((page, failure) -> {
			if (failure != null) {
				throw failedFor(unwrapped(failure), charged.get());
			}
			boolean fresh = this.cache.isFresh(page);
			return switch (lookup.origin()) {
				case STORED -> new Part(page, fresh ? Delivery.HIT : Delivery.STALE, 0);
				// Joined another replica's fetch, or took it over (and paid) when that
				// replica died.
				case JOINED -> (charged.get() > 0) ? new Part(page, loadedDelivery(page, directives), charged.get())
						: new Part(page, fresh ? Delivery.COLLAPSED : Delivery.STALE, 0);
				// Or began to, and waited for another replica's fetch when that one took
				// it over before it was sent.
				case LOADED -> (takenOver.get() && charged.get() == 0)
						? new Part(page, fresh ? Delivery.COLLAPSED : Delivery.STALE, 0)
						: new Part(page, loadedDelivery(page, directives), charged.get());
			};
		});
	}

	/**
	 * Stale-while-revalidate: the caller already has its (stale) answer; one refetch per
	 * page runs behind it, paid by the caller's team if its allowance permits, else not
	 * at all.
	 */
	private void revalidateInBackground(PageKey key, Team team, Predicate<StoredPage> acceptable) {
		try {
			if (!this.cache.wouldLoad(key, acceptable)) {
				return;
			}
			Reservation reservation = this.budget.reserveWithoutWaiting(team);
			lookUp(key, team, acceptable, reservation, new AtomicInteger(), new AtomicBoolean());
		}
		catch (BudgetExhausted | CreditsStillHeld | SharedStateUnavailable notNow) {
			// The stale page was answered; it is refetched on a later request.
		}
	}

	/**
	 * Looks the page up, loading it on the reservation if this caller is the one to load
	 * it; a reservation that was not needed (the page was there, or another caller's load
	 * was joined) is refunded at once.
	 */
	private PageCache.Lookup lookUp(PageKey key, Team team, Predicate<StoredPage> acceptable,
			@Nullable Reservation reservation, AtomicInteger charged, AtomicBoolean takenOver) {
		// Whoever runs the loader takes the reservation; one nobody took is refunded. (In
		// shared mode a caller that waited for another replica's fetch may run the loader
		// later, when that replica died: it then reserves anew.)
		AtomicReference<@Nullable Reservation> unspent = new AtomicReference<>(reservation);
		PageCache.Lookup lookup = this.cache.lookup(key, acceptable,
				(replaced, claim) -> fetch(key, team, unspent.getAndSet(null), charged, takenOver, replaced, claim));
		if (lookup.origin() != PageCache.Origin.LOADED) {
			refundUnspent(unspent);
		}
		// The cache may also end a lookup without running the loader (in shared mode,
		// when Redis failed or the page appeared meanwhile): nothing was spent then
		// either.
		lookup.page().whenComplete((page, failure) -> refundUnspent(unspent));
		return lookup;
	}

	private void refundUnspent(AtomicReference<@Nullable Reservation> unspent) {
		Reservation untaken = unspent.getAndSet(null);
		if (untaken != null) {
			this.budget.settle(untaken, 0);
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
	 * Fetches and stores a page on the team's budget; when it cannot, falls back to the
	 * page it replaces, if any.
	 * @param reservation the credit set aside before the lookup, or {@code null} when the
	 * caller expected to join a load that had ended by the time it looked (then it
	 * reserves now)
	 * @param takenOver set when another replica took the page over before this fetch was
	 * sent: nothing was sent or charged, the credit is released, and the cache has the
	 * caller wait for that replica's page
	 */
	private CompletableFuture<StoredPage> fetch(PageKey key, Team team, @Nullable Reservation reservation,
			AtomicInteger charged, AtomicBoolean takenOver, @Nullable StoredPage replaced, FetchClaim claim) {
		Reservation paidFor;
		try {
			// Not waiting for held credits here: the loader may run on a thread others
			// need.
			paidFor = (reservation != null) ? reservation : this.budget.reserveWithoutWaiting(team);
		}
		catch (BudgetExhausted | CreditsStillHeld | SharedStateUnavailable refused) {
			return (replaced != null) ? CompletableFuture.completedFuture(replaced)
					: CompletableFuture.failedFuture(refused);
		}
		LivestreamsQuery query = new LivestreamsQuery(key.userId(), key.page(), PageRequest.VENDOR_PAGE_SIZE,
				team.name(), team.weight());
		return this.keyApi.fetch(query, () -> this.budget.spend(paidFor), claim::confirmHeld, charged::incrementAndGet)
			.doOnError(FetchTakenOver.class, (lost) -> takenOver.set(true))
			.map((vendorPage) -> stored(key, vendorPage))
			.doOnNext((page) -> supersedeDeeperPagesIfHistoryShifted(key, replaced, page))
			// Settled before the caller hears the outcome, so /usage and the metrics
			// already agree with the answer.
			.doOnSuccess((page) -> this.budget.settle(paidFor, charged.get()))
			.doOnError((failure) -> this.budget.settle(paidFor, charged.get()))
			.doOnCancel(() -> this.budget.settle(paidFor, charged.get()))
			.toFuture()
			.exceptionally((failure) -> {
				Throwable cause = unwrapped(failure);
				if (replaced != null && (cause instanceof UpstreamFailure || cause instanceof SharedStateUnavailable)) {
					return replaced;
				}
				throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
			});
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
					Throwable cause = unwrapped(ex);
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

	private static Throwable unwrapped(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
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
