package com.acme.keyapiproxy.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared mode's one fetch per page across replicas. The replica whose caller missed a
 * page first takes its lease in Redis and fetches it (renewing the lease meanwhile,
 * storing the page in Redis before giving the lease up); the others wait for the page to
 * appear in Redis, and take the fetch over when the lease goes without one. A holder that
 * was stopped past its lease (a long GC, a frozen VM) while another replica took the page
 * over finds out, by the lease's fencing token, right before its request would be sent:
 * it sends nothing and waits for that replica's page instead, like any other waiter.
 * <p>
 * Thread-safe. Redis calls run on this class's own threads, never on the threads that
 * deliver KeyAPI's answers.
 */
final class SharedFetches {

	/**
	 * How soon a replica waiting for another's fetch first looks for the page; then twice
	 * as long each time.
	 */
	static final Duration POLL = Duration.ofMillis(20);

	static final Duration POLL_MAX = Duration.ofMillis(250);

	private static final Logger log = LoggerFactory.getLogger(SharedFetches.class);

	private final SharedPages shared;

	private final Clock clock;

	/**
	 * Looks for pages other replicas fetch, and stores fetched pages before their leases
	 * are given up.
	 */
	private final ScheduledExecutorService work = Executors.newScheduledThreadPool(2, daemon("pagecache-shared"));

	/**
	 * Renews this replica's leases, on a thread of its own so that no wait delays a
	 * renewal.
	 */
	private final ScheduledExecutorService renewals = Executors
		.newSingleThreadScheduledExecutor(daemon("pagecache-leases"));

	SharedFetches(SharedPages shared, Clock clock) {
		this.shared = shared;
		this.clock = clock;
	}

	/**
	 * Fetches the page into {@code mine} once across replicas: under this replica's
	 * lease, or by waiting for the replica that holds it. When Redis fails, {@code mine}
	 * gets {@code previous} if there is one.
	 * @param known when the page Redis held at the caller's look was fetched,
	 * {@code null} when none
	 * @return {@link PageCache.Origin#LOADED} when the loader runs here,
	 * {@link PageCache.Origin#JOINED} when another replica's fetch is awaited (the loader
	 * then runs only if that replica's lease goes without a page)
	 */
	PageCache.Origin fetchOnce(PageKey key, Predicate<StoredPage> acceptable, @Nullable Instant known,
			@Nullable StoredPage previous, PageLoader loader, CompletableFuture<StoredPage> mine) {
		SharedPages.Lease lease;
		try {
			lease = this.shared.tryLease(key);
		}
		catch (RuntimeException unreachable) {
			fallBack(mine, previous, unreachable);
			return PageCache.Origin.LOADED;
		}
		if (lease == null) {
			awaitAnotherReplica(key, acceptable, known, previous, loader, mine, POLL);
			return PageCache.Origin.JOINED;
		}
		loadUnderLease(key, acceptable, known, previous, loader, mine, lease);
		return PageCache.Origin.LOADED;
	}

	void stop() {
		this.work.shutdownNow();
		this.renewals.shutdownNow();
	}

	/**
	 * With the lease won: unless the page appeared in Redis meanwhile (its fetcher stored
	 * it and gave the lease up between this replica's look and its claim), loads it.
	 */
	private void loadUnderLease(PageKey key, Predicate<StoredPage> acceptable, @Nullable Instant known,
			@Nullable StoredPage previous, PageLoader loader, CompletableFuture<StoredPage> mine,
			SharedPages.Lease lease) {
		StoredPage appeared;
		try {
			appeared = this.shared.get(key, this.clock.instant());
		}
		catch (RuntimeException unreachable) {
			appeared = null;
		}
		if (appeared != null && isAnswerFor(appeared, acceptable, known)) {
			this.shared.release(lease);
			mine.complete(appeared);
			return;
		}
		load(key, acceptable, known, previous, loader, mine, lease);
	}

	/**
	 * A page in Redis answers a waiting caller if it is acceptable, or newer than the one
	 * there when it began.
	 */
	private static boolean isAnswerFor(StoredPage page, Predicate<StoredPage> acceptable, @Nullable Instant known) {
		return acceptable.test(page) || known == null || page.fetchedAt().isAfter(known);
	}

	/** Redis failed: a page already stored here, however old, is better than an error. */
	private static void fallBack(CompletableFuture<StoredPage> mine, @Nullable StoredPage previous,
			RuntimeException unreachable) {
		if (previous != null) {
			mine.complete(previous);
		}
		else {
			mine.completeExceptionally(unreachable);
		}
	}

	/**
	 * Runs the loader into {@code mine} under the lease, renewed while it runs; the page
	 * is stored for every replica before the lease is given up, so a replica waiting for
	 * it finds it. When another replica took the fetch over before this one sent it,
	 * waits for that replica's page instead.
	 */
	private void load(PageKey key, Predicate<StoredPage> acceptable, @Nullable Instant known,
			@Nullable StoredPage previous, PageLoader loader, CompletableFuture<StoredPage> mine,
			SharedPages.Lease lease) {
		ScheduledFuture<?> renewal = renewWhileLoading(lease);
		CompletableFuture<StoredPage> loaded = new CompletableFuture<>();
		loaded.whenComplete((page, failure) -> {
			renewal.cancel(false);
			if (takenOver(failure)) {
				log.info("Not fetching {}: another replica took it over while this one was stopped; waiting for its "
						+ "page", key);
				awaitAnotherReplica(key, acceptable, known, previous, loader, mine, POLL);
				return;
			}
			try {
				boolean fetched = failure == null && page != previous;
				// Off the thread that delivered KeyAPI's answer: these are Redis calls.
				this.work.execute(() -> {
					try {
						if (fetched) {
							storeShared(lease, page);
						}
					}
					finally {
						this.shared.release(lease);
					}
				});
			}
			finally {
				if (failure != null) {
					mine.completeExceptionally(failure);
				}
				else {
					mine.complete(page);
				}
			}
		});
		PageCache.load(previous, () -> confirmHeld(lease), loader, loaded);
	}

	private void confirmHeld(SharedPages.Lease lease) {
		if (!this.shared.hold(lease)) {
			throw new FetchTakenOver(lease.key());
		}
	}

	private static boolean takenOver(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof FetchTakenOver) {
				return true;
			}
		}
		return false;
	}

	private ScheduledFuture<?> renewWhileLoading(SharedPages.Lease lease) {
		long every = Math.max(1, this.shared.leaseTtl().toMillis() / 3);
		AtomicBoolean lost = new AtomicBoolean();
		return this.renewals.scheduleWithFixedDelay(() -> {
			if (lost.get()) {
				return;
			}
			try {
				if (!this.shared.hold(lease)) {
					lost.set(true);
					log.warn("The fetch lease of {} was taken over by another replica while it was being fetched "
							+ "(this replica was stopped longer than the lease)", lease.key());
				}
			}
			catch (RuntimeException unreachable) {
				log.warn("Could not renew the fetch lease of {}: {}", lease.key(), unreachable.getMessage());
			}
		}, every, every, TimeUnit.MILLISECONDS);
	}

	private void storeShared(SharedPages.Lease lease, StoredPage page) {
		try {
			if (!this.shared.put(lease, page)) {
				log.warn("Not storing {} for the other replicas: another replica took its fetch over", lease.key());
			}
		}
		catch (RuntimeException unreachable) {
			log.warn("Could not store {} for the other replicas: {}", lease.key(), unreachable.getMessage());
		}
	}

	/**
	 * Another replica holds the lease: waits for the page it fetches (an acceptable one,
	 * or one newer than {@code known}) to appear in Redis, looking again after
	 * {@code delay} (doubling up to {@link #POLL_MAX}); takes the fetch over when the
	 * lease is gone without one (its holder died or failed).
	 */
	private void awaitAnotherReplica(PageKey key, Predicate<StoredPage> acceptable, @Nullable Instant known,
			@Nullable StoredPage previous, PageLoader loader, CompletableFuture<StoredPage> mine, Duration delay) {
		this.work.schedule(() -> {
			try {
				StoredPage page = this.shared.get(key, this.clock.instant());
				if (page != null && isAnswerFor(page, acceptable, known)) {
					mine.complete(page);
					return;
				}
				SharedPages.Lease lease = this.shared.tryLease(key);
				if (lease != null) {
					loadUnderLease(key, acceptable, known, previous, loader, mine, lease);
					return;
				}
				Duration longer = delay.multipliedBy(2);
				awaitAnotherReplica(key, acceptable, known, previous, loader, mine,
						(longer.compareTo(POLL_MAX) < 0) ? longer : POLL_MAX);
			}
			catch (RuntimeException unreachable) {
				fallBack(mine, previous, unreachable);
			}
		}, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
