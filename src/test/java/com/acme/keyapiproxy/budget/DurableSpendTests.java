package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.support.MutableClock;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;
import com.acme.keyapiproxy.teams.TeamsProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spent credit is on disk before {@link Budget#spend} returns, so before KeyAPI is
 * called: the spend waits for the ledger's force, on real threads, with the force held
 * back by the test.
 */
class DurableSpendTests {

	private static final Team ALPHA = new Team("alpha", 10L, 1);

	@TempDir
	Path directory;

	private HeldBackForce ledger;

	private Budget budget;

	@AfterEach
	void close() {
		if (this.budget != null) {
			this.budget.close();
		}
	}

	@Test
	void aSpendReturnsOnlyOnceItsChangeIsForcedToDisk() throws Exception {
		open();
		Reservation reservation = this.budget.reserve(ALPHA);

		CompletableFuture<Void> spending = CompletableFuture.runAsync(() -> this.budget.spend(reservation));

		assertThat(this.ledger.forceAsked.await(5, TimeUnit.SECONDS)).as("the spend waits for the force").isTrue();
		assertThat(spending).as("not returned while its change is not on disk")
			.isNotDone()
			.failsWithin(Duration.ofMillis(100));
		this.ledger.forceDone.countDown();
		spending.get(5, TimeUnit.SECONDS);
		assertThat(this.ledger.awaited).as("the ticket waited for is the spend's own")
			.containsExactly(this.ledger.lastTicket);
	}

	@Test
	void aSecondSpendOfTheSameReservationDoesNotForceAgain() {
		open();
		this.ledger.forceDone.countDown();
		Reservation reservation = this.budget.reserve(ALPHA);

		this.budget.spend(reservation);
		this.budget.spend(reservation);

		assertThat(this.ledger.awaited).hasSize(1);
	}

	@Test
	void anExtraChargeIsForcedToDiskButARefundIsNot() {
		open();
		this.ledger.forceDone.countDown();
		Reservation twice = this.budget.reserve(ALPHA);
		this.budget.spend(twice);
		this.budget.settle(twice, 2);
		assertThat(this.ledger.awaited).as("the spend's and the extra credit's").hasSize(2);

		Reservation refunded = this.budget.reserve(ALPHA);
		this.budget.spend(refunded);
		this.budget.settle(refunded, 0);
		assertThat(this.ledger.awaited).as("no force for a refund").hasSize(3);
		assertThat(this.budget.usage(ALPHA).creditsSpent()).isEqualTo(2);
	}

	private void open() {
		this.ledger = new HeldBackForce(JournalCreditLedger.open(this.directory.resolve("credits")));
		this.budget = new Budget(this.ledger, (Long) null, new Teams(new TeamsProperties(Map.of())),
				new MutableClock(Instant.parse("2026-11-10T12:00:00Z")), new SimpleMeterRegistry(),
				Duration.ofMillis(200));
	}

	/**
	 * A journal whose force waits for the test, and which remembers the tickets waited
	 * for.
	 */
	private static final class HeldBackForce extends ForwardingCreditLedger {

		private final CountDownLatch forceAsked = new CountDownLatch(1);

		private final CountDownLatch forceDone = new CountDownLatch(1);

		private final List<Long> awaited = new java.util.concurrent.CopyOnWriteArrayList<>();

		private volatile long lastTicket;

		HeldBackForce(CreditLedger ledger) {
			super(ledger);
		}

		@Override
		public void awaitDurable(long ticket) {
			this.forceAsked.countDown();
			try {
				if (!this.forceDone.await(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test never let the force finish");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			super.awaitDurable(ticket);
			this.awaited.add(ticket);
		}

		@Override
		public long spend(Hold hold) {
			long ticket = super.spend(hold);
			this.lastTicket = ticket;
			return ticket;
		}

	}

}
