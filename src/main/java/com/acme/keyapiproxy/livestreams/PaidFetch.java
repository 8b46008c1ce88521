package com.acme.keyapiproxy.livestreams;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.acme.keyapiproxy.budget.Budget;
import com.acme.keyapiproxy.budget.BudgetExhausted;
import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.budget.Reservation;
import com.acme.keyapiproxy.cache.FetchTakenOver;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;

/**
 * The credits of one caller's fetch of one page: the credit reserved before the lookup is
 * handed to the one loader that runs for it, spent right before the first request is
 * sent, and settled exactly once when that fetch ends (with the 2xx answers KeyAPI gave,
 * so a failure, a take-over or a fetch that never went out is refunded); a credit no
 * loader took is refunded by {@link #refundIfUnused}.
 * <p>
 * In shared mode the cache may run this caller's loader again, later, when it waited for
 * another replica's fetch and that replica died: such a load reserves a credit of its own
 * (without waiting: the loader may run on a thread others need), settled the same way.
 * <p>
 * Thread-safe: a load, its end, a refund and a cancellation may race; each credit is
 * settled once whichever comes first.
 */
final class PaidFetch {

	private final Budget budget;

	private final Team team;

	/** The credit reserved up front until a loader takes it or it is refunded. */
	private final AtomicReference<@Nullable Reservation> untaken;

	private final AtomicInteger charged = new AtomicInteger();

	private final AtomicBoolean takenOver = new AtomicBoolean();

	private PaidFetch(Budget budget, Team team, @Nullable Reservation reservation) {
		this.budget = budget;
		this.team = team;
		this.untaken = new AtomicReference<>(reservation);
	}

	/**
	 * For a caller about to load the page: a credit reserved now, waiting within
	 * {@code max-wait} for credits held by fetches in flight.
	 * @throws BudgetExhausted when the team's or the organisation's credits are spent
	 * @throws CreditsStillHeld when those left stayed held
	 * @throws SharedStateUnavailable when the ledger cannot be reached
	 */
	static PaidFetch reserved(Budget budget, Team team) {
		return new PaidFetch(budget, team, budget.reserve(team));
	}

	/**
	 * For a refetch nobody waits for (behind a stale answer): a credit reserved now or
	 * not at all.
	 * @throws BudgetExhausted when the team's or the organisation's credits are spent
	 * @throws CreditsStillHeld when those left are all held
	 * @throws SharedStateUnavailable when the ledger cannot be reached
	 */
	static PaidFetch reservedWithoutWaiting(Budget budget, Team team) {
		return new PaidFetch(budget, team, budget.reserveWithoutWaiting(team));
	}

	/**
	 * For a caller expecting to join another caller's fetch: nothing reserved, and a
	 * credit reserved (without waiting) only if it has to load the page after all.
	 */
	static PaidFetch unreserved(Budget budget, Team team) {
		return new PaidFetch(budget, team, null);
	}

	/**
	 * The loader's part: sends on this caller's credit and settles it when the fetch ends
	 * (2xx, failure or cancellation), before the returned future completes.
	 * @param send starts the fetch; it must run {@code beforeFirstSend} before its first
	 * request goes out (a failure it throws fails the fetch, nothing sent) and
	 * {@code onCreditSpent} for every 2xx answer
	 * @return the fetch's outcome, failed with the refusal when no credit could be
	 * reserved for a load nobody reserved for
	 */
	<T> CompletableFuture<T> load(Send<T> send) {
		Reservation reservation;
		try {
			reservation = takeOrReserve();
		}
		catch (BudgetExhausted | CreditsStillHeld | SharedStateUnavailable refused) {
			return CompletableFuture.failedFuture(refused);
		}
		Settlement settlement = new Settlement(reservation);
		Mono<T> fetch;
		try {
			fetch = send.send(() -> this.budget.spend(reservation), settlement::charge);
		}
		catch (RuntimeException ex) {
			settlement.settle();
			return CompletableFuture.failedFuture(ex);
		}
		return fetch.doOnError(FetchTakenOver.class, (lost) -> this.takenOver.set(true))
			.doOnSuccess((result) -> settlement.settle())
			.doOnError((failure) -> settlement.settle())
			.doOnCancel(settlement::settle)
			.toFuture();
	}

	private Reservation takeOrReserve() {
		Reservation upFront = this.untaken.getAndSet(null);
		return (upFront != null) ? upFront : this.budget.reserveWithoutWaiting(this.team);
	}

	/** Gives back the credit reserved up front if no loader took it; else nothing. */
	void refundIfUnused() {
		Reservation unused = this.untaken.getAndSet(null);
		if (unused != null) {
			this.budget.settle(unused, 0);
		}
	}

	/** What KeyAPI charged this caller's loads so far: one credit per 2xx answer. */
	int charged() {
		return this.charged.get();
	}

	/**
	 * Whether a load of this caller's found the page taken over by another replica before
	 * it was sent (nothing sent, nothing charged for it).
	 */
	boolean wasTakenOver() {
		return this.takenOver.get();
	}

	/** Starts one fetch on one credit. */
	@FunctionalInterface
	interface Send<T> {

		Mono<T> send(Runnable beforeFirstSend, Runnable onCreditSpent);

	}

	/** One load's credit, settled once whichever end comes first. */
	private final class Settlement {

		private final Reservation reservation;

		private final AtomicInteger credits = new AtomicInteger();

		private final AtomicBoolean done = new AtomicBoolean();

		Settlement(Reservation reservation) {
			this.reservation = reservation;
		}

		void charge() {
			this.credits.incrementAndGet();
			PaidFetch.this.charged.incrementAndGet();
		}

		void settle() {
			if (this.done.compareAndSet(false, true)) {
				PaidFetch.this.budget.settle(this.reservation, this.credits.get());
			}
		}

	}

}
