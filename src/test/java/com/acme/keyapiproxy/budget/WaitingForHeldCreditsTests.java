package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.MutableClock;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;
import com.acme.keyapiproxy.teams.TeamsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A miss whose team's (or the organisation's) credits left are all held by fetches in
 * flight waits for them to settle, within max-wait, then is charged or refused with the
 * truth: real threads, both ledgers, no Spring.
 */
@SharedModeTest
class WaitingForHeldCreditsTests {

	private static final Team ALPHA = new Team("alpha", 3L, 1);

	private static final Team BETA = new Team("beta", null, 1);

	private static final int WAITING = 10;

	@TempDir
	Path directory;

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void missesWaitingForHeldCreditsGetThoseThatFailedFetchesGiveBackAndTheRestAreRefusedOnlyOnceCharged(
			Ledgers implementation) throws Exception {
		WaitCounting ledger = new WaitCounting(implementation.open(this.directory), WAITING);
		try (Budget budget = budget(ledger, null, Duration.ofSeconds(30))) {
			List<Reservation> failing = List.of(budget.reserve(ALPHA), budget.reserve(ALPHA), budget.reserve(ALPHA));
			CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> outcomes(budget, ALPHA));
			ledger.awaitWaiters();

			for (Reservation reservation : failing) {
				budget.spend(reservation);
				budget.settle(reservation, 0); // KeyAPI failed: refunded
			}

			List<String> outcomes = waiting.get(30, TimeUnit.SECONDS);
			assertThat(outcomes).as("the 3 credits that came back were charged, and only then was anyone refused")
				.filteredOn("charged"::equals)
				.hasSize(3);
			assertThat(outcomes).filteredOn("exhausted"::equals).hasSize(WAITING - 3);
			assertThat(budget.usage(ALPHA).creditsSpent()).isEqualTo(3);
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void aMissOfAnyTeamWaitsForTheOrganisationsHeldCredits(Ledgers implementation) throws Exception {
		WaitCounting ledger = new WaitCounting(implementation.open(this.directory), 1);
		try (Budget budget = budget(ledger, 2L, Duration.ofSeconds(30))) {
			Reservation answering = budget.reserve(ALPHA);
			Reservation failing = budget.reserve(ALPHA);
			CompletableFuture<Reservation> waiter = CompletableFuture.supplyAsync(() -> budget.reserve(BETA));
			ledger.awaitWaiters();

			budget.spend(answering);
			budget.settle(answering, 1);
			assertThat(waiter).as("the organisation's last credit is still in flight").isNotDone();
			budget.settle(failing, 0);

			assertThat(waiter.get(30, TimeUnit.SECONDS).team()).isEqualTo("beta");
			assertThatExceptionOfType(CreditsStillHeld.class).isThrownBy(() -> budget.reserveWithoutWaiting(ALPHA));
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void creditsStillHeldWhenMaxWaitRunsOutAreNotAnExhaustedMonth(Ledgers implementation) {
		try (Budget budget = budget(implementation.open(this.directory), null, Duration.ofMillis(300))) {
			for (int i = 0; i < 3; i++) {
				budget.spend(budget.reserve(ALPHA)); // sent, KeyAPI has not answered yet
			}
			long started = System.nanoTime();

			assertThatExceptionOfType(CreditsStillHeld.class).isThrownBy(() -> budget.reserve(ALPHA))
				.satisfies((refused) -> assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
			assertThat(System.nanoTime() - started).as("it waited for max-wait")
				.isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
		}
	}

	/** Each caller reserves a credit for ALPHA and, when it gets one, KeyAPI answers. */
	private static List<String> outcomes(Budget budget, Team team) {
		try {
			return Concurrently.run(WAITING, (caller) -> {
				try {
					Reservation reservation = budget.reserve(team);
					budget.spend(reservation);
					budget.settle(reservation, 1);
					return "charged";
				}
				catch (TeamBudgetExhausted refused) {
					return "exhausted";
				}
				catch (CreditsStillHeld refused) {
					return "still held";
				}
			});
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Budget budget(CreditLedger ledger, Long organisationLimit, Duration maxWait) {
		return new Budget(ledger, organisationLimit, new Teams(new TeamsProperties(Map.of())),
				new MutableClock(Instant.parse("2026-11-10T12:00:00Z")), new SimpleMeterRegistry(), maxWait);
	}

	/**
	 * A ledger that tells the test when misses have started waiting: a condition, not a
	 * guess at timing.
	 */
	private static final class WaitCounting extends ForwardingCreditLedger {

		private final CountDownLatch waiters;

		private final List<Thread> counted = new ArrayList<>();

		WaitCounting(CreditLedger ledger, int waiters) {
			super(ledger);
			this.waiters = new CountDownLatch(waiters);
		}

		void awaitWaiters() throws InterruptedException {
			assertThat(this.waiters.await(30, TimeUnit.SECONDS)).as("misses waiting for held credits").isTrue();
		}

		@Override
		public void awaitSettling(HoldVerdict.AllHeld verdict, long deadlineNanos) throws InterruptedException {
			synchronized (this.counted) {
				if (!this.counted.contains(Thread.currentThread())) {
					this.counted.add(Thread.currentThread());
					this.waiters.countDown();
				}
			}
			super.awaitSettling(verdict, deadlineNanos);
		}

	}

}
