package com.acme.keyapiproxy.cache.shared;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.acme.keyapiproxy.cache.FetchTakenOver;
import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageLoad;
import com.acme.keyapiproxy.cache.StoredPage;

/**
 * Shared mode's one fetch per page across replicas. The replica whose caller missed a
 * page first takes its lease and fetches it (renewing the lease meanwhile, storing the
 * page in Redis before giving the lease up); the others wait for the page to appear in
 * Redis, and take the fetch over when the lease goes without one. A holder that was
 * stopped past its lease (a long GC, a frozen VM) while another replica took the page
 * over finds out, by the lease's fencing token, right before its request would be sent:
 * it sends nothing and waits for that replica's page instead, like any other waiter.
 * <p>
 * Thread-safe. Redis calls run on this class's own threads, never on the threads that
 * deliver KeyAPI's answers.
 */
final class CrossReplicaFetches {

	/**
	 * How soon a replica waiting for another's fetch first looks for the page; then twice
	 * as long each time.
	 */
	static final Duration POLL = Duration.ofMillis(20);

	static final Duration POLL_MAX = Duration.ofMillis(250);

	private static final Logger log = LoggerFactory.getLogger(CrossReplicaFetches.class);

	private final RedisPageStore store;

	private final FetchLeases leases;

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

	CrossReplicaFetches(RedisPageStore store, FetchLeases leases, Clock clock) {
		this.store = store;
		this.leases = leases;
		this.clock = clock;
	}

	/**
	 * Fetches the page into {@code load.into()} once across replicas: under this
	 * replica's lease, or by waiting for the replica that holds it. When Redis fails, the
	 * load falls back to the page it replaces if there is one.
	 * @return {@link PageCache.Origin#LOADED} when the loader runs here,
	 * {@link PageCache.Origin#JOINED} when another replica's fetch is awaited
	 */
	PageCache.Origin fetchOnce(PageLoad load) {
		FetchLease lease;
		try {
			lease = this.leases.tryTake(load.key());
		}
		catch (RuntimeException unreachable) {
			load.fallBack(unreachable);
			return PageCache.Origin.LOADED;
		}
		if (lease == null) {
			awaitAnotherReplica(load, POLL);
			return PageCache.Origin.JOINED;
		}
		loadUnderLease(load, lease);
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
	private void loadUnderLease(PageLoad load, FetchLease lease) {
		StoredPage appeared;
		try {
			appeared = this.store.find(load.key(), this.clock.instant());
		}
		catch (RuntimeException unreachable) {
			appeared = null;
		}
		if (appeared != null && load.isAnsweredBy(appeared)) {
			this.leases.release(lease);
			load.into().complete(appeared);
			return;
		}
		load(load, lease);
	}

	/**
	 * Runs the loader under the lease, renewed while it runs; the page is stored for
	 * every replica before the lease is given up, so a replica waiting for it finds it.
	 * When another replica took the fetch over before this one sent it, waits for that
	 * replica's page instead.
	 */
	private void load(PageLoad load, FetchLease lease) {
		ScheduledFuture<?> renewal = renewWhileLoading(lease);
		CompletableFuture<StoredPage> loaded = new CompletableFuture<>();
		CompletableFuture<StoredPage> mine = load.into();
		loaded.whenComplete((page, failure) -> {
			renewal.cancel(false);
			if (takenOver(failure)) {
				log.info("Not fetching {}: another replica took it over while this one was stopped; waiting for its "
						+ "page", load.key());
				awaitAnotherReplica(load, POLL);
				return;
			}
			try {
				boolean fetched = failure == null && page != load.replaced();
				// Off the thread that delivered KeyAPI's answer: these are Redis calls.
				this.work.execute(() -> {
					try {
						if (fetched) {
							storeForEveryReplica(lease, page);
						}
					}
					finally {
						this.leases.release(lease);
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
		load.runLoader(() -> confirmHeld(lease), loaded);
	}

	private void confirmHeld(FetchLease lease) {
		if (!this.leases.hold(lease)) {
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

	private ScheduledFuture<?> renewWhileLoading(FetchLease lease) {
		long every = Math.max(1, this.leases.ttl().toMillis() / 3);
		AtomicBoolean lost = new AtomicBoolean();
		return this.renewals.scheduleWithFixedDelay(() -> {
			if (lost.get()) {
				return;
			}
			try {
				if (!this.leases.hold(lease)) {
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

	private void storeForEveryReplica(FetchLease lease, StoredPage page) {
		try {
			if (!this.store.storeFenced(lease, page)) {
				log.warn("Not storing {} for the other replicas: another replica took its fetch over", lease.key());
			}
		}
		catch (RuntimeException unreachable) {
			log.warn("Could not store {} for the other replicas: {}", lease.key(), unreachable.getMessage());
		}
	}

	/**
	 * Another replica holds the lease: waits for the page it fetches (one that answers
	 * the load) to appear in Redis, looking again after {@code delay} (doubling up to
	 * {@link #POLL_MAX}); takes the fetch over when the lease is gone without one (its
	 * holder died or failed).
	 */
	private void awaitAnotherReplica(PageLoad load, Duration delay) {
		this.work.schedule(() -> {
			try {
				StoredPage page = this.store.find(load.key(), this.clock.instant());
				if (page != null && load.isAnsweredBy(page)) {
					load.into().complete(page);
					return;
				}
				FetchLease lease = this.leases.tryTake(load.key());
				if (lease != null) {
					loadUnderLease(load, lease);
					return;
				}
				Duration longer = delay.multipliedBy(2);
				awaitAnotherReplica(load, (longer.compareTo(POLL_MAX) < 0) ? longer : POLL_MAX);
			}
			catch (RuntimeException unreachable) {
				load.fallBack(unreachable);
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
