package com.acme.keyapiproxy.livestreams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.budget.RecordedBudget;
import com.acme.keyapiproxy.budget.TeamBudgetExhausted;
import com.acme.keyapiproxy.cache.FetchTakeOvers;
import com.acme.keyapiproxy.cache.FetchTakenOver;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.upstream.UpstreamFailure;
import com.acme.keyapiproxy.upstream.UpstreamFailures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One paid fetch's credit, on a real budget and real threads: whatever the fetch's
 * outcome, the ledger sees one settle for each credit reserved, and the team is charged
 * exactly the 2xx answers KeyAPI gave.
 */
class PaidFetchTests {

	private static final Team ALPHA = new Team("alpha", 100L, 1);

	private static final Team UNLIMITED = new Team("unlimited", null, 1);

	@TempDir
	Path directory;

	private RecordedBudget ledger;

	@BeforeEach
	void open() {
		this.ledger = RecordedBudget.open(this.directory);
	}

	@AfterEach
	void close() {
		this.ledger.close();
	}

	@Test
	void aFetchKeyApiAnsweredIsChargedOnceSettledOnce() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		String page = paid.load(answering(1)).get(5, TimeUnit.SECONDS);

		assertThat(page).isEqualTo("page");
		assertThat(paid.charged()).isEqualTo(1);
		assertThat(this.ledger.spent(ALPHA)).isEqualTo(1);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFetchKeyApiChargedTwiceForIsChargedBoth() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		paid.load(answering(2)).get(5, TimeUnit.SECONDS);

		assertThat(paid.charged()).isEqualTo(2);
		assertThat(this.ledger.spent(ALPHA)).isEqualTo(2);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFailedFetchIsRefunded() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		CompletableFuture<String> outcome = paid.load(failingAfterSend(UpstreamFailures.unavailable()));

		assertFailedWith(outcome, UpstreamFailure.class);
		assertThat(paid.charged()).isZero();
		assertThat(this.ledger.spends()).as("it was spent before it was sent").isEqualTo(1);
		assertThat(this.ledger.spent(ALPHA)).isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFetchThatThrowsBeforeItStartsIsRefunded() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		CompletableFuture<String> outcome = paid.load((beforeFirstSend, onCreditSpent) -> {
			throw new IllegalStateException("no fetch");
		});

		assertFailedWith(outcome, IllegalStateException.class);
		assertThat(this.ledger.spent(ALPHA)).isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aCallerWhoJoinedWithoutReservingTouchesNoCredit() {
		PaidFetch paid = PaidFetch.unreserved(this.ledger.budget(), ALPHA);

		paid.refundIfUnused();

		assertThat(paid.charged()).isZero();
		assertThat(this.ledger.holds()).isZero();
		assertThat(this.ledger.settles()).isZero();
	}

	@Test
	void aCallerWhoReservedThenJoinedIsRefundedOnce() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		paid.refundIfUnused();
		paid.refundIfUnused();

		assertThat(paid.charged()).isZero();
		assertThat(this.ledger.spent(ALPHA)).isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aLoadAfterTheCreditWasTakenIsNotRefundedByTheCaller() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		CompletableFuture<String> outcome = paid.load(answering(1));
		paid.refundIfUnused();

		outcome.get(5, TimeUnit.SECONDS);
		assertThat(this.ledger.spent(ALPHA)).isEqualTo(1);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFetchTakenOverBeforeItWasSentIsRefundedAndSaysSo() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);
		FetchTakenOver takenOver = FetchTakeOvers.of(new PageKey("7288986759428588590", 1));

		CompletableFuture<String> outcome = paid.load(failingAfterSend(takenOver));

		assertFailedWith(outcome, FetchTakenOver.class);
		assertThat(paid.wasTakenOver()).isTrue();
		assertThat(paid.charged()).isZero();
		assertThat(this.ledger.spent(ALPHA)).isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFailureOtherThanATakeOverIsNotOne() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		assertFailedWith(paid.load(failingAfterSend(UpstreamFailures.badResponse())), UpstreamFailure.class);

		assertThat(paid.wasTakenOver()).isFalse();
	}

	@Test
	void aLoadRunAgainAfterATakeOverPaysWithACreditOfItsOwn() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);
		assertFailedWith(paid.load(failingAfterSend(FetchTakeOvers.of(new PageKey("1", 1)))), FetchTakenOver.class);

		paid.load(answering(1)).get(5, TimeUnit.SECONDS);

		assertThat(paid.charged()).isEqualTo(1);
		assertThat(this.ledger.spent(ALPHA)).isEqualTo(1);
		assertOneSettlePerCredit(2);
	}

	@Test
	void aLoadNobodyReservedForIsRefusedWhenTheTeamCannotPay() throws Exception {
		Team broke = new Team("broke", 1L, 1);
		PaidFetch.reserved(this.ledger.budget(), broke).load(answering(1)).get(5, TimeUnit.SECONDS);
		PaidFetch paid = PaidFetch.unreserved(this.ledger.budget(), broke);

		assertFailedWith(paid.load(answering(1)), TeamBudgetExhausted.class);

		assertThat(this.ledger.spent(broke)).isEqualTo(1);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aLoadNobodyReservedForDoesNotWaitForHeldCredits() {
		Team one = new Team("one", 1L, 1);
		PaidFetch holding = PaidFetch.reserved(this.ledger.budget(), one);

		long started = System.nanoTime();
		assertFailedWith(PaidFetch.unreserved(this.ledger.budget(), one).load(answering(1)), CreditsStillHeld.class);

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(150));
		holding.refundIfUnused();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aCallerWhoStopsWaitingLeavesTheFetchToSettleWhenItEnds() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);
		Sinks.One<String> keyApi = Sinks.one();
		CountDownLatch sent = new CountDownLatch(1);

		CompletableFuture<String> outcome = paid.load((beforeFirstSend, onCreditSpent) -> Mono.fromRunnable(() -> {
			beforeFirstSend.run();
			sent.countDown();
		}).subscribeOn(Schedulers.boundedElastic()).then(keyApi.asMono().doOnNext((page) -> onCreditSpent.run())));
		CompletableFuture<String> caller = outcome.thenApply((page) -> page);
		assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
		caller.cancel(true);

		assertThat(this.ledger.settles()).as("not while KeyAPI is still answering").isZero();
		Thread answering = new Thread(() -> keyApi.tryEmitValue("page"));
		answering.start();
		answering.join();

		assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("page");
		assertThat(this.ledger.spent(ALPHA)).isEqualTo(1);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aFetchCancelledBeforeKeyApiAnsweredIsRefunded() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);
		CountDownLatch sent = new CountDownLatch(1);

		CompletableFuture<String> outcome = paid.load((beforeFirstSend, onCreditSpent) -> Mono.fromRunnable(() -> {
			beforeFirstSend.run();
			sent.countDown();
		}).subscribeOn(Schedulers.boundedElastic()).then(Mono.<String>never()));
		assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
		outcome.cancel(true);

		assertThat(this.ledger.spent(ALPHA)).isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void withTheLedgerUnreachableNothingIsReserved() {
		this.ledger.unreachable(true);

		assertThatExceptionOfType(SharedStateUnavailable.class)
			.isThrownBy(() -> PaidFetch.reserved(this.ledger.budget(), ALPHA));
		assertFailedWith(PaidFetch.unreserved(this.ledger.budget(), ALPHA).load(answering(1)),
				SharedStateUnavailable.class);
		assertThat(this.ledger.holds()).isZero();
		assertThat(this.ledger.settles()).isZero();
	}

	@Test
	void aLedgerLostBeforeTheSendFailsTheFetchUnsentAndTriesTheRefundOnce() {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);
		this.ledger.unreachable(true);

		CompletableFuture<String> outcome = paid.load(answering(1));

		assertFailedWith(outcome, SharedStateUnavailable.class);
		assertThat(paid.charged()).as("never sent").isZero();
		assertOneSettlePerCredit(1);
	}

	@Test
	void aLedgerLostAfterKeyApiAnsweredStillAnswers() throws Exception {
		PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), ALPHA);

		String page = paid.load((beforeFirstSend, onCreditSpent) -> Mono.fromCallable(() -> {
			beforeFirstSend.run();
			onCreditSpent.run();
			this.ledger.unreachable(true);
			return "page";
		}).subscribeOn(Schedulers.boundedElastic())).get(5, TimeUnit.SECONDS);

		assertThat(page).as("a lost settle is logged, the answer stands").isEqualTo("page");
		assertThat(paid.charged()).isEqualTo(1);
		assertOneSettlePerCredit(1);
	}

	@Test
	void aLoadRacingTheCallersRefundSettlesEachCreditOnce() throws Exception {
		int rounds = 200;
		List<PaidFetch> fetches = new ArrayList<>();
		for (int i = 0; i < rounds; i++) {
			fetches.add(PaidFetch.reserved(this.ledger.budget(), UNLIMITED));
		}
		List<CompletableFuture<String>> outcomes = new ArrayList<>();
		for (PaidFetch paid : fetches) {
			List<CompletableFuture<String>> loaded = Concurrently.run(2, (caller) -> {
				if (caller == 0) {
					return paid.load(answering(1));
				}
				paid.refundIfUnused();
				return CompletableFuture.completedFuture("refunded");
			});
			outcomes.add(loaded.get(0));
		}

		long answered = 0;
		for (CompletableFuture<String> outcome : outcomes) {
			try {
				outcome.get(5, TimeUnit.SECONDS);
				answered++;
			}
			catch (ExecutionException refused) {
				// The refund came first; this load reserved anew, or could not.
			}
		}
		assertThat(this.ledger.spent(UNLIMITED)).isEqualTo(answered);
		assertThat(this.ledger.settledAnyTwice()).isFalse();
		assertThat(this.ledger.inFlight()).isZero();
	}

	@Test
	void aFetchEndingWhileItIsCancelledSettlesOnce() throws Exception {
		int rounds = 200;
		for (int i = 0; i < rounds; i++) {
			PaidFetch paid = PaidFetch.reserved(this.ledger.budget(), UNLIMITED);
			Sinks.One<String> keyApi = Sinks.one();
			CompletableFuture<String> outcome = paid
				.load((beforeFirstSend, onCreditSpent) -> Mono.fromRunnable(beforeFirstSend)
					.then(keyApi.asMono().doOnNext((page) -> onCreditSpent.run())));
			Concurrently.run(2, (racer) -> {
				if (racer == 0) {
					keyApi.tryEmitValue("page");
				}
				else {
					outcome.cancel(true);
				}
				return racer;
			});
		}

		assertThat(this.ledger.settles()).isEqualTo(rounds);
		assertThat(this.ledger.settledAnyTwice()).isFalse();
		assertThat(this.ledger.inFlight()).isZero();
	}

	private void assertOneSettlePerCredit(int credits) {
		assertThat(this.ledger.holds()).as("credits reserved").isEqualTo(credits);
		assertThat(this.ledger.settles()).as("settles the ledger saw").isEqualTo(credits);
		assertThat(this.ledger.settledAnyTwice()).isFalse();
	}

	private static <T> void assertFailedWith(CompletableFuture<T> outcome, Class<? extends Throwable> failure) {
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> outcome.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(failure);
	}

	/**
	 * KeyAPI answering 2xx {@code times} (a page it charged that often), on a thread of
	 * its own.
	 */
	private static PaidFetch.Send<String> answering(int times) {
		return (beforeFirstSend, onCreditSpent) -> Mono.fromCallable(() -> {
			beforeFirstSend.run();
			for (int i = 0; i < times; i++) {
				onCreditSpent.run();
			}
			return "page";
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private static PaidFetch.Send<String> failingAfterSend(RuntimeException failure) {
		return (beforeFirstSend, onCreditSpent) -> Mono.<String>fromCallable(() -> {
			beforeFirstSend.run();
			throw failure;
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
