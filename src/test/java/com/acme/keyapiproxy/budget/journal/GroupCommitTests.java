package com.acme.keyapiproxy.budget.journal;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.acme.keyapiproxy.budget.CreditLedger;
import com.acme.keyapiproxy.budget.HoldVerdict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal forces a spend (and an extra charge) to disk before the wait for it
 * returns, once for every change appended so far: concurrent spends share a force. The
 * force is the test's, counting, on real threads.
 */
class GroupCommitTests {

	private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

	@TempDir
	Path directory;

	private final AtomicInteger forces = new AtomicInteger();

	private final CountDownLatch firstForceMayEnd = new CountDownLatch(1);

	private final CountDownLatch firstForceStarted = new CountDownLatch(1);

	private volatile boolean holdFirstForce;

	private JournalCreditLedger ledger;

	@AfterEach
	void close() {
		this.ledger.close();
	}

	@Test
	void aSpendIsForcedOnceAndOnlyOnce() {
		open();
		CreditLedger.Hold hold = hold();

		long ticket = this.ledger.spend(hold);
		this.ledger.awaitDurable(ticket);
		assertThat(this.forces).as("forced before the wait returned").hasValue(1);

		this.ledger.awaitDurable(ticket);
		assertThat(this.forces).as("on disk already").hasValue(1);
	}

	@Test
	void anExtraChargeAndADurableAddAreForcedToo() {
		open();
		CreditLedger.Hold hold = hold();
		this.ledger.awaitDurable(this.ledger.spend(hold));

		this.ledger.awaitDurable(this.ledger.settle(hold, true, 1));
		assertThat(this.forces).hasValue(2);

		this.ledger.add("alpha", NOVEMBER, 3, true);
		assertThat(this.forces).hasValue(3);
		assertThat(this.ledger.spentIn(NOVEMBER)).containsEntry("alpha", 5L);
	}

	@Test
	void spendsWaitingWhileAForceRunsShareTheNextOne() throws Exception {
		open();
		this.holdFirstForce = true;
		CreditLedger.Hold first = hold();
		CompletableFuture<Void> firstSpend = CompletableFuture
			.runAsync(() -> this.ledger.awaitDurable(this.ledger.spend(first)));
		assertThat(this.firstForceStarted.await(5, TimeUnit.SECONDS)).isTrue();
		List<CreditLedger.Hold> later = List.of(hold(), hold(), hold());
		List<CompletableFuture<Void>> laterSpends = later.stream()
			.map((hold) -> this.ledger.spend(hold))
			.map((ticket) -> CompletableFuture.runAsync(() -> this.ledger.awaitDurable(ticket)))
			.toList();

		assertThat(laterSpends).as("none returns before its change is forced").noneMatch(CompletableFuture::isDone);
		this.firstForceMayEnd.countDown();

		firstSpend.get(5, TimeUnit.SECONDS);
		CompletableFuture.allOf(laterSpends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		assertThat(this.forces).as("one for the first, one for the three behind it").hasValue(2);
	}

	private void open() {
		this.ledger = JournalCreditLedger.open(this.directory.resolve("credits"), (channel) -> {
			if (this.forces.incrementAndGet() == 1 && this.holdFirstForce) {
				this.firstForceStarted.countDown();
				try {
					this.firstForceMayEnd.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			channel.force(false);
		});
	}

	private CreditLedger.Hold hold() {
		HoldVerdict verdict = this.ledger.hold("alpha", NOVEMBER, List.of());
		return ((HoldVerdict.Held) verdict).hold();
	}

}
