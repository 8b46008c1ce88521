package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;
import com.acme.keyapiproxy.teams.TeamsProperties;

/**
 * A real {@link Budget}, without Spring, for unit tests of the packages that pay for
 * fetches: on a journal ledger in a directory of the test's, which records every hold,
 * spend and settle that reaches it, and can be made unreachable (as Redis down makes the
 * shared one: every ledger call throws {@link SharedStateUnavailable}).
 */
public final class RecordedBudget implements AutoCloseable {

	private final RecordingLedger ledger;

	private final Budget budget;

	private RecordedBudget(Path directory, Duration maxWait) {
		this.ledger = new RecordingLedger(JournalCreditLedger.open(directory.resolve("credits")));
		this.budget = new Budget(this.ledger, (Long) null, new Teams(new TeamsProperties(Map.of())), Clock.systemUTC(),
				new SimpleMeterRegistry(), maxWait);
	}

	/** Organisation unlimited; a team's allowance is the {@link Team}'s own. */
	public static RecordedBudget open(Path directory) {
		return new RecordedBudget(directory, Duration.ofMillis(200));
	}

	public Budget budget() {
		return this.budget;
	}

	/** Credits the team was charged this month. */
	public long spent(Team team) {
		return this.budget.usage(team).creditsSpent();
	}

	/** Credits held by fetches in flight, every team's (reserved, not yet settled). */
	public int inFlight() {
		return this.ledger.holds.get() - this.ledger.settlesById.size();
	}

	public int holds() {
		return this.ledger.holds.get();
	}

	public int spends() {
		return this.ledger.spends.get();
	}

	/** Settles the ledger saw, all reservations together. */
	public int settles() {
		return this.ledger.settles.get();
	}

	/** Whether some reservation was settled more than once in the ledger. */
	public boolean settledAnyTwice() {
		return this.ledger.settlesById.values().stream().anyMatch((count) -> count.get() > 1);
	}

	/** From now on every ledger call fails as it does when Redis is down; or no more. */
	public void unreachable(boolean unreachable) {
		this.ledger.unreachable.set(unreachable);
	}

	@Override
	public void close() {
		this.budget.close();
	}

	private static final class RecordingLedger extends ForwardingCreditLedger {

		private final AtomicBoolean unreachable = new AtomicBoolean();

		private final AtomicInteger holds = new AtomicInteger();

		private final AtomicInteger spends = new AtomicInteger();

		private final AtomicInteger settles = new AtomicInteger();

		private final Map<String, AtomicInteger> settlesById = new ConcurrentHashMap<>();

		RecordingLedger(CreditLedger delegate) {
			super(delegate);
		}

		private void reachable() {
			if (this.unreachable.get()) {
				throw new SharedStateUnavailable("the credit ledger", null);
			}
		}

		@Override
		public long append(String team, YearMonth period, long credits) {
			reachable();
			return super.append(team, period, credits);
		}

		@Override
		public HoldVerdict hold(String team, YearMonth period, List<Limit> limits) {
			reachable();
			HoldVerdict verdict = super.hold(team, period, limits);
			if (verdict instanceof HoldVerdict.Held) {
				this.holds.incrementAndGet();
			}
			return verdict;
		}

		@Override
		public long spend(Hold hold) {
			reachable();
			this.spends.incrementAndGet();
			return super.spend(hold);
		}

		@Override
		public long settle(Hold hold, boolean spent, long correction) {
			this.settles.incrementAndGet();
			this.settlesById.computeIfAbsent(hold.id(), (id) -> new AtomicInteger()).incrementAndGet();
			reachable();
			return super.settle(hold, spent, correction);
		}

	}

}
