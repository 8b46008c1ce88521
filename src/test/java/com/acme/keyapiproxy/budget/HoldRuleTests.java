package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.acme.keyapiproxy.support.SharedModeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one ledger operation that evaluates the limits ({@link CreditLedger#hold}), held to
 * its rule by both ledgers: the journal's Java and the shared ledger's Lua give the same
 * verdict for the same history. Held and sent-but-unsettled credits are in flight, never
 * "spent for the month".
 */
@SharedModeTest
class HoldRuleTests {

	private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

	@TempDir
	Path directory;

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void creditsHeldByMissesWaitingInLineAreNotSpent(Ledgers implementation) {
		try (CreditLedger ledger = implementation.open(this.directory)) {
			List<Limit> limits = List.of(Limit.ofTeam("alpha", 2));
			CreditLedger.Hold first = held(ledger.hold("alpha", NOVEMBER, limits));
			held(ledger.hold("alpha", NOVEMBER, limits));

			assertThat(summary(ledger.hold("alpha", NOVEMBER, limits))).isEqualTo("AllHeld team");
			ledger.settle(first, false, 0);
			assertThat(ledger.hold("alpha", NOVEMBER, limits)).as("the released credit came back")
				.isInstanceOf(HoldVerdict.Held.class);
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void aCreditSentButNotSettledIsInFlightAndComesBackWhenKeyApiFails(Ledgers implementation) {
		try (CreditLedger ledger = implementation.open(this.directory)) {
			List<Limit> limits = List.of(Limit.ofTeam("alpha", 1));
			CreditLedger.Hold sent = held(ledger.hold("alpha", NOVEMBER, limits));
			ledger.spend(sent);

			assertThat(ledger.spentIn(NOVEMBER)).containsEntry("alpha", 1L);
			assertThat(ledger.hold("alpha", NOVEMBER, limits)).as("spent, but KeyAPI may still fail")
				.isInstanceOf(HoldVerdict.AllHeld.class);
			ledger.settle(sent, true, -1);
			assertThat(ledger.hold("alpha", NOVEMBER, limits)).isInstanceOf(HoldVerdict.Held.class);
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void onlyCreditsChargedForGoodExhaustALimit(Ledgers implementation) {
		try (CreditLedger ledger = implementation.open(this.directory)) {
			List<Limit> limits = List.of(Limit.ofTeam("alpha", 1));
			CreditLedger.Hold answered = held(ledger.hold("alpha", NOVEMBER, limits));
			ledger.spend(answered);
			ledger.settle(answered, true, 0);

			assertThat(ledger.hold("alpha", NOVEMBER, limits)).isEqualTo(new HoldVerdict.Spent("team"));
			assertThat(ledger.hold("beta", NOVEMBER, List.of(Limit.ofTeam("beta", 1)))).as("another team's own")
				.isInstanceOf(HoldVerdict.Held.class);
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void theFirstLimitChargedIsNamedBeforeAnyThatIsOnlyHeld(Ledgers implementation) {
		try (CreditLedger ledger = implementation.open(this.directory)) {
			charge(ledger, "beta", List.of(Limit.organisation(2)));
			held(ledger.hold("alpha", NOVEMBER, List.of(Limit.organisation(2))));

			assertThat(
					summary(ledger.hold("alpha", NOVEMBER, List.of(Limit.organisation(2), Limit.ofTeam("alpha", 1)))))
				.as("the organisation's last credit is held, the team's only credit too: wait, naming the first")
				.isEqualTo("AllHeld organisation");
			assertThat(ledger.hold("beta", NOVEMBER, List.of(Limit.organisation(2), Limit.ofTeam("beta", 1))))
				.as("the team's credit is charged: refused for the month though the organisation's is only held")
				.isEqualTo(new HoldVerdict.Spent("team"));
			charge(ledger, "gamma", List.of());
			assertThat(ledger.hold("beta", NOVEMBER, List.of(Limit.organisation(2), Limit.ofTeam("beta", 1))))
				.as("both charged: the organisation is named")
				.isEqualTo(new HoldVerdict.Spent("organisation"));
		}
	}

	@ParameterizedTest
	@EnumSource(Ledgers.class)
	void anyNumberOfLimitsIsEvaluatedByTheSameRule(Ledgers implementation) {
		try (CreditLedger ledger = implementation.open(this.directory)) {
			Limit nightlyJobs = new Limit("nightly-jobs", 1, "alpha");
			List<Limit> limits = List.of(Limit.organisation(10), Limit.ofTeam("alpha", 5), nightlyJobs);
			charge(ledger, "alpha", limits);

			assertThat(ledger.hold("alpha", NOVEMBER, limits)).isEqualTo(new HoldVerdict.Spent("nightly-jobs"));
			assertThat(ledger.hold("alpha", NOVEMBER, limits.subList(0, 2))).isInstanceOf(HoldVerdict.Held.class);
		}
	}

	/**
	 * The same seeded history of holds, sends and settles (successes, refunds, extra
	 * pages), against both ledgers: every verdict and every spend agree.
	 */
	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 20261125, 42 })
	void bothLedgersGiveTheSameVerdictsForTheSameHistory(long seed) {
		Random random = new Random(seed);
		List<String> teams = List.of("alpha", "beta", "gamma");
		try (CreditLedger journal = Ledgers.JOURNAL.open(this.directory);
				CreditLedger redis = Ledgers.REDIS.open(this.directory)) {
			List<Hold2> inFlight = new ArrayList<>();
			Set<String> kinds = new HashSet<>();
			for (int step = 0; step < 300; step++) {
				int choice = random.nextInt(10);
				if (choice < 5 || inFlight.isEmpty()) {
					String team = teams.get(random.nextInt(teams.size()));
					List<Limit> limits = limitsOf(team);
					HoldVerdict fromJournal = journal.hold(team, NOVEMBER, limits);
					HoldVerdict fromRedis = redis.hold(team, NOVEMBER, limits);
					assertThat(summary(fromRedis)).as("step %d: %s holds", step, team).isEqualTo(summary(fromJournal));
					kinds.add(fromJournal.getClass().getSimpleName());
					if (fromJournal instanceof HoldVerdict.Held journalHold) {
						inFlight.add(new Hold2(journalHold.hold(), ((HoldVerdict.Held) fromRedis).hold()));
					}
				}
				else {
					Hold2 hold = inFlight.get(random.nextInt(inFlight.size()));
					if (!hold.sent && choice < 8) {
						journal.spend(hold.journal);
						redis.spend(hold.redis);
						hold.sent = true;
					}
					else {
						// Sent: refunded (-1), kept (0) or an extra page (+1); unsent:
						// released, or a page charged anyway.
						long correction = hold.sent ? random.nextInt(3) - 1 : random.nextInt(4) / 3;
						journal.settle(hold.journal, hold.sent, correction);
						redis.settle(hold.redis, hold.sent, correction);
						inFlight.remove(hold);
					}
				}
				assertThat(redis.spentIn(NOVEMBER)).as("step %d", step).isEqualTo(journal.spentIn(NOVEMBER));
			}
			assertThat(kinds).as("the history reached every verdict")
				.containsExactlyInAnyOrder("Held", "AllHeld", "Spent");
		}
	}

	private static List<Limit> limitsOf(String team) {
		return switch (team) {
			case "alpha" -> List.of(Limit.organisation(12), Limit.ofTeam("alpha", 4));
			case "beta" -> List.of(Limit.organisation(12), Limit.ofTeam("beta", 6));
			default -> List.of(Limit.organisation(12));
		};
	}

	/** A verdict without what differs by nature (hold ids, change counts). */
	private static String summary(HoldVerdict verdict) {
		if (verdict instanceof HoldVerdict.Held) {
			return "held";
		}
		return verdict.getClass().getSimpleName() + " " + ((HoldVerdict.Refused) verdict).limit();
	}

	private static void charge(CreditLedger ledger, String team, List<Limit> limits) {
		CreditLedger.Hold hold = held(ledger.hold(team, NOVEMBER, limits));
		ledger.spend(hold);
		ledger.settle(hold, true, 0);
	}

	private static CreditLedger.Hold held(HoldVerdict verdict) {
		assertThat(verdict).isInstanceOf(HoldVerdict.Held.class);
		return ((HoldVerdict.Held) verdict).hold();
	}

	/** One miss's hold in each ledger. */
	private static final class Hold2 {

		final CreditLedger.Hold journal;

		final CreditLedger.Hold redis;

		boolean sent;

		Hold2(CreditLedger.Hold journal, CreditLedger.Hold redis) {
			this.journal = journal;
			this.redis = redis;
		}

	}

}
