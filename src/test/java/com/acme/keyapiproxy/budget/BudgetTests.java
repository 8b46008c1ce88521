package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.MutableClock;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;
import com.acme.keyapiproxy.teams.TeamsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(OutputCaptureExtension.class)
class BudgetTests {

	private static final Team ALPHA = new Team("alpha", 3L, 1);

	private static final Team BETA = new Team("beta", 1L, 1);

	private static final Team GAMMA = new Team("gamma", null, 1);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:59:00Z"));

	@TempDir
	Path directory;

	private Budget budget;

	@AfterEach
	void close() {
		if (this.budget != null) {
			this.budget.close();
		}
	}

	@Test
	void aTeamPastItsAllowanceIsRefusedUntilTheNextCalendarMonth() {
		this.budget = budget(null);
		charge(BETA);

		assertThatExceptionOfType(TeamBudgetExhausted.class).isThrownBy(() -> this.budget.reserve(BETA))
			.satisfies((refused) -> assertThat(refused.untilNextPeriod()).isEqualTo(Duration.ofMinutes(1)));
		assertThat(this.budget.reserve(ALPHA)).as("another team is not blocked").isNotNull();
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(this.budget.reserve(BETA)).as("December starts afresh").isNotNull();
	}

	@Test
	void aMissThatKeyApiDidNotChargeIsRefunded() {
		this.budget = budget(null);
		Reservation reservation = this.budget.reserve(BETA);

		this.budget.settle(reservation, 0);

		assertThat(this.budget.usage(BETA).creditsSpent()).isZero();
		assertThat(this.budget.reserve(BETA)).isNotNull();
	}

	@Test
	void theOrganisationIsNamedWhenTheSharedCreditsAreSpentEvenIfTheTeamsAreToo() {
		this.budget = budget(2L);
		charge(BETA);
		charge(GAMMA);

		assertThatExceptionOfType(OrganisationBudgetExhausted.class).isThrownBy(() -> this.budget.reserve(BETA));
		assertThatExceptionOfType(OrganisationBudgetExhausted.class).isThrownBy(() -> this.budget.reserve(GAMMA));
		assertThat(this.budget.usage(GAMMA))
			.isEqualTo(new Usage("gamma", "2026-11", 1, null, null, new Usage.Organisation(2, 2L)));
	}

	@Test
	void fiftyConcurrentReservationsForOneLastCreditGrantExactlyOne() throws Exception {
		this.budget = budget(null);
		Team lastCredit = new Team("delta", 1L, 1);

		List<Boolean> granted = Concurrently.run(50, (caller) -> {
			try {
				charge(lastCredit);
				return true;
			}
			catch (TeamBudgetExhausted refused) {
				return false;
			}
		});

		assertThat(granted).containsOnlyOnce(true);
		assertThat(this.budget.usage(lastCredit).creditsSpent()).isEqualTo(1);
	}

	@Test
	void whatWasSpentSurvivesARestartAndWhatWasOnlyHeldIsForgotten() {
		Budget first = budget(null);
		Reservation answered = first.reserve(ALPHA);
		first.spend(answered);
		first.settle(answered, 1);
		first.spend(first.reserve(ALPHA)); // being sent when the proxy stopped
		first.reserve(ALPHA); // still waiting in line
		first.close();

		this.budget = budget(null);

		assertThat(this.budget.usage(ALPHA).creditsSpent()).isEqualTo(2);
		assertThat(this.budget.usage(ALPHA).creditsRemaining()).isEqualTo(1);
	}

	@Test
	void aHeldCreditCountsAgainstTheAllowanceAndIsReleasedWhenTheMissEndsUnsent() {
		this.budget = budget(null, Duration.ZERO);
		Reservation held = this.budget.reserve(BETA);

		assertThatExceptionOfType(CreditsStillHeld.class).as("held, not spent: not exhausted for the month")
			.isThrownBy(() -> this.budget.reserve(BETA));
		this.budget.settle(held, 0);

		assertThat(this.budget.usage(BETA).creditsSpent()).isZero();
		assertThatExceptionOfType(IllegalStateException.class).as("settled before it was sent: never sent")
			.isThrownBy(() -> this.budget.spend(held));
		assertThat(this.budget.reserve(BETA)).isNotNull();
	}

	@Test
	void aRefusalForHeldCreditsNamesWhoseCreditsAreHeld() {
		this.budget = budget(1L, Duration.ZERO);
		this.budget.reserve(GAMMA);

		assertThatExceptionOfType(CreditsStillHeld.class).isThrownBy(() -> this.budget.reserve(GAMMA))
			.withMessageStartingWith("Every credit the organisation has left");
		this.budget.close();
		this.budget = budget(null, Duration.ZERO);
		this.budget.reserve(BETA);
		assertThatExceptionOfType(CreditsStillHeld.class).isThrownBy(() -> this.budget.reserve(BETA))
			.withMessageStartingWith("Every credit team 'beta' has left");
	}

	@Test
	void aMissInterruptedWhileWaitingForHeldCreditsIsRefusedAndStaysInterrupted() throws Exception {
		this.budget = budget(null, Duration.ofSeconds(30));
		this.budget.reserve(BETA);
		CompletableFuture<Throwable> refusal = new CompletableFuture<>();
		CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
		Thread waiting = new Thread(() -> {
			try {
				this.budget.reserve(BETA);
			}
			catch (RuntimeException refused) {
				refusal.complete(refused);
			}
			stillInterrupted.complete(Thread.currentThread().isInterrupted());
		});
		waiting.start();
		Eventually.until("the miss waits for the held credit", Duration.ofSeconds(5),
				() -> waiting.getState() == Thread.State.TIMED_WAITING);

		waiting.interrupt();

		assertThat(refusal.get(5, TimeUnit.SECONDS)).isInstanceOf(CreditsStillHeld.class);
		assertThat(stillInterrupted.get(5, TimeUnit.SECONDS)).as("the interrupt is kept for its thread").isTrue();
	}

	@Test
	void aSettlementTheLedgerCannotRecordDoesNotFailTheAnswerAndIsLoggedWithTheCredits(CapturedOutput output) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		CreditLedger unreachableAtSettle = new ForwardingCreditLedger(
				JournalCreditLedger.open(this.directory.resolve("credits"))) {
			@Override
			public long settle(CreditLedger.Hold hold, boolean spent, long correction) {
				throw new SharedStateUnavailable("settling a credit", null);
			}
		};
		this.budget = new Budget(unreachableAtSettle, (Long) null, new Teams(new TeamsProperties(Map.of())), this.clock,
				meters, Duration.ofSeconds(5));
		Reservation chargedTwice = this.budget.reserve(ALPHA);
		this.budget.spend(chargedTwice);
		Reservation refunded = this.budget.reserve(ALPHA);
		this.budget.spend(refunded);

		this.budget.settle(chargedTwice, 2);
		this.budget.settle(refunded, 0);

		assertThat(output).contains("Could not record 1 more credits of team alpha for 2026-11")
			.contains("Could not refund or release a credit of team alpha");
		assertThat(meters.get("keyapi.proxy.credits.spent").tag("team", "alpha").counter().count())
			.as("what KeyAPI charged is counted all the same")
			.isEqualTo(2.0);
	}

	/**
	 * A miss's whole life when KeyAPI answered: reserved, spent, settled with the credit
	 * KeyAPI charged.
	 */
	private void charge(Team team) {
		Reservation reservation = this.budget.reserve(team);
		this.budget.spend(reservation);
		this.budget.settle(reservation, 1);
	}

	private Budget budget(Long organisationLimit) {
		return budget(organisationLimit, Duration.ofSeconds(5));
	}

	private Budget budget(Long organisationLimit, Duration maxWait) {
		Teams teams = new Teams(new TeamsProperties(Map.of()));
		return new Budget(JournalCreditLedger.open(this.directory.resolve("credits")), organisationLimit, teams,
				this.clock, new SimpleMeterRegistry(), maxWait);
	}

}
