package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What the budget exports, and each team's limit counting its own credits only. */
class BudgetMetersTests {

	private static final String SHA = "0".repeat(64);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final Teams teams = new Teams(new TeamsProperties(Map.of("alpha", new TeamsProperties.Settings(SHA, 4L, 1),
			"beta", new TeamsProperties.Settings(SHA.replace('0', '1'), 1L, 1), "gamma",
			new TeamsProperties.Settings(SHA.replace('0', '2'), null, 1))));

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
	void theGaugesAndTheCounterShowWhatWasSpentAndWhatIsLeft() {
		this.budget = new Budget(JournalCreditLedger.open(this.directory.resolve("credits")), 100L, this.teams,
				new MutableClock(Instant.parse("2026-11-10T12:00:00Z")), this.meters, Duration.ofMillis(200));
		Team alpha = team("alpha");

		charge(alpha, 2);
		charge(alpha, 0);

		assertThat(gauge("keyapi.proxy.credits.remaining", "alpha")).isEqualTo(2);
		assertThat(gauge("keyapi.proxy.credits.limit", "alpha")).isEqualTo(4);
		assertThat(this.meters.find("keyapi.proxy.credits.remaining").tag("team", "gamma").gauge())
			.as("absent for an unlimited team")
			.isNull();
		assertThat(this.meters.get("keyapi.proxy.organisation.credits.spent").gauge().value()).isEqualTo(2);
		assertThat(this.meters.get("keyapi.proxy.organisation.credits.limit").gauge().value()).isEqualTo(100);
		assertThat(this.meters.get("keyapi.proxy.credits.spent").tag("team", "alpha").counter().count()).isEqualTo(2);
		assertThat(this.budget.usage(this.teams.all()).keySet()).containsExactlyInAnyOrder("alpha", "beta", "gamma");
	}

	@Test
	void withoutAnOrganisationLimitThereIsNoOrganisationLimitGauge() {
		this.budget = new Budget(JournalCreditLedger.open(this.directory.resolve("credits")), (Long) null, this.teams,
				new MutableClock(Instant.parse("2026-11-10T12:00:00Z")), this.meters, Duration.ofMillis(200));

		assertThat(this.meters.find("keyapi.proxy.organisation.credits.limit").gauge()).isNull();
	}

	@Test
	void aTeamsLimitCountsOnlyItsOwnCredits() {
		this.budget = new Budget(JournalCreditLedger.open(this.directory.resolve("credits")), (Long) null, this.teams,
				new MutableClock(Instant.parse("2026-11-10T12:00:00Z")), this.meters, Duration.ofMillis(200));
		charge(team("alpha"), 1);
		charge(team("alpha"), 1);

		charge(team("beta"), 1);

		assertThatExceptionOfType(TeamBudgetExhausted.class).isThrownBy(() -> this.budget.reserve(team("beta")));
	}

	private void charge(Team team, int credits) {
		Reservation reservation = this.budget.reserve(team);
		this.budget.spend(reservation);
		this.budget.settle(reservation, credits);
	}

	private Team team(String name) {
		return this.teams.all().stream().filter((team) -> team.name().equals(name)).findFirst().orElseThrow();
	}

	private double gauge(String name, String team) {
		return this.meters.get(name).tag("team", team).gauge().value();
	}

}
