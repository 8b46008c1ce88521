package com.acme.keyapiproxy.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;

/**
 * The one shared credit budget. A miss {@link #reserve reserves} a credit for its team
 * when it decides to call KeyAPI (refused when the organisation's or the team's monthly
 * allowance is spent; when what is left is all held by fetches in flight, it waits for
 * them to settle first), {@link #spend spends} it durably just before the request is
 * sent, and {@link #settle settles} it when the miss is over: kept if KeyAPI answered 2xx
 * (KeyAPI charged), refunded otherwise, so an outage eats no allowance. A crash forgets
 * the credits held by misses that were still waiting in line: it over-counts at most the
 * misses being sent. Periods are calendar months in UTC.
 * <p>
 * Thread-safe: the check against the allowances and the hold are one atomic step, which
 * makes charging exact under any concurrency; waiting for a spend to reach the disk is
 * not, so concurrent misses share one fsync.
 */
@Component
public class Budget implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Budget.class);

	private final CreditLedger ledger;

	private final @Nullable Long organisationLimit;

	private final Clock clock;

	private final Duration maxWait;

	private final MeterRegistry meterRegistry;

	private final Map<String, Counter> creditsSpent = new ConcurrentHashMap<>();

	/**
	 * @param maxWait {@code keyapi.rate-limit.max-wait}, read by name so that the budget
	 * does not depend on {@code upstream}: a miss waits for held credits no longer than
	 * it would for an upstream slot
	 */
	@Autowired
	Budget(CreditLedger ledger, BudgetProperties properties, Teams teams, Clock clock, MeterRegistry meterRegistry,
			@Value("${keyapi.rate-limit.max-wait:5s}") Duration maxWait) {
		this(ledger, properties.monthlyCredits(), teams, clock, meterRegistry, maxWait);
	}

	Budget(CreditLedger ledger, @Nullable Long organisationLimit, Teams teams, Clock clock, MeterRegistry meterRegistry,
			Duration maxWait) {
		this.ledger = ledger;
		this.organisationLimit = organisationLimit;
		this.maxWait = maxWait;
		this.clock = clock;
		this.meterRegistry = meterRegistry;
		Gauge.builder("keyapi.proxy.organisation.credits.spent", () -> total(this.ledger.spentIn(currentPeriod())))
			.description("Credits all teams together have spent (or reserved) this month")
			.register(meterRegistry);
		if (organisationLimit != null) {
			Gauge.builder("keyapi.proxy.organisation.credits.limit", () -> organisationLimit)
				.description("The organisation's monthly credit allowance, all teams together")
				.register(meterRegistry);
		}
		for (Team team : teams.all()) {
			creditsSpent(team.name());
			Long limit = team.monthlyCredits();
			if (limit != null) {
				Gauge.builder("keyapi.proxy.credits.remaining", () -> remaining(team))
					.description("Credits the team may still spend this month (absent for unlimited teams)")
					.tag("team", team.name())
					.register(meterRegistry);
				// With remaining, the share of the allowance spent: what the team budget
				// alerts compare.
				Gauge.builder("keyapi.proxy.credits.limit", () -> limit)
					.description("The team's monthly credit allowance (absent for unlimited teams)")
					.tag("team", team.name())
					.register(meterRegistry);
			}
		}
	}

	/**
	 * Holds one credit for a miss of this team while it waits in line: counted against
	 * the allowances at once (so concurrent misses cannot overspend), not yet spent, and
	 * forgotten by a crash. When the credits left are all held by fetches in flight,
	 * waits for them to settle (they come back when a fetch fails), within
	 * {@code max-wait}.
	 * @throws OrganisationBudgetExhausted when all teams together have spent the month's
	 * shared credits (named first, even when the team's own are spent too)
	 * @throws TeamBudgetExhausted when the team has spent its own
	 * @throws CreditsStillHeld when the credits left were still all held by fetches in
	 * flight after {@code max-wait}
	 */
	public Reservation reserve(Team team) {
		return reserve(team, this.maxWait);
	}

	/**
	 * {@link #reserve} for a miss that must not keep anyone waiting (a refetch behind a
	 * stale answer, a fetch taken over from a dead replica): refused at once with
	 * {@link CreditsStillHeld} when the credits left are all held.
	 */
	public Reservation reserveWithoutWaiting(Team team) {
		return reserve(team, Duration.ZERO);
	}

	private Reservation reserve(Team team, Duration patience) {
		long deadline = System.nanoTime() + patience.toNanos();
		YearMonth period = currentPeriod();
		List<Limit> limits = limitsOf(team);
		while (true) {
			HoldVerdict verdict = this.ledger.hold(team.name(), period, limits);
			if (verdict instanceof HoldVerdict.Held held) {
				return new Reservation(held.hold());
			}
			if (verdict instanceof HoldVerdict.Spent spent) {
				throw exhausted(spent.limit(), team);
			}
			HoldVerdict.AllHeld allHeld = (HoldVerdict.AllHeld) verdict;
			if (System.nanoTime() - deadline >= 0) {
				throw stillHeld(allHeld.limit(), team, patience);
			}
			try {
				this.ledger.awaitSettling(allHeld, deadline);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw stillHeld(allHeld.limit(), team, patience);
			}
		}
	}

	/** The organisation's limit first: it is the one named when both are reached. */
	private List<Limit> limitsOf(Team team) {
		List<Limit> limits = new ArrayList<>(2);
		if (this.organisationLimit != null) {
			limits.add(Limit.organisation(this.organisationLimit));
		}
		Long teamLimit = team.monthlyCredits();
		if (teamLimit != null) {
			limits.add(Limit.ofTeam(team.name(), teamLimit));
		}
		return limits;
	}

	private BudgetExhausted exhausted(String limit, Team team) {
		if (Limit.ORGANISATION.equals(limit)) {
			return new OrganisationBudgetExhausted(Objects.requireNonNull(this.organisationLimit), untilNextPeriod());
		}
		return new TeamBudgetExhausted(team.name(), Objects.requireNonNull(team.monthlyCredits()), untilNextPeriod());
	}

	private static CreditsStillHeld stillHeld(String limit, Team team, Duration waited) {
		return new CreditsStillHeld(
				Limit.ORGANISATION.equals(limit) ? "the organisation" : "team '" + team.name() + "'", waited);
	}

	/**
	 * Spends the held credit, durably, before KeyAPI is called: when the miss's first
	 * attempt is next in line. A crash after this over-counts the credit if KeyAPI never
	 * saw the request; one before it costs nothing. Runs once; later calls do nothing.
	 * @throws IllegalStateException when the reservation was settled already (the miss is
	 * over: do not send it)
	 */
	public void spend(Reservation reservation) {
		if (reservation.markSpent()) {
			// Outside any lock, so that concurrent misses share one fsync instead of
			// queueing for one each.
			this.ledger.awaitDurable(this.ledger.spend(reservation.hold()));
		}
		else if (reservation.isSettled()) {
			throw new IllegalStateException("The miss's credit was settled before it was sent");
		}
	}

	/**
	 * Ends a reservation with what KeyAPI actually charged for the miss (the 2xx answers
	 * it gave): a held credit is released; a spent one is refunded when KeyAPI charged
	 * nothing, kept for one. Either way it is no longer in flight, and misses waiting for
	 * it are woken. Runs once; later calls do nothing.
	 */
	public void settle(Reservation reservation, int creditsCharged) {
		Reservation.Stage was = reservation.markSettled();
		if (was == Reservation.Stage.SETTLED) {
			return;
		}
		CreditLedger.Hold hold = reservation.hold();
		boolean spent = was == Reservation.Stage.SPENT;
		long correction = spent ? creditsCharged - 1L : creditsCharged;
		try {
			long ticket = this.ledger.settle(hold, spent, correction);
			if (correction > 0) {
				this.ledger.awaitDurable(ticket);
			}
		}
		catch (SharedStateUnavailable unreachable) {
			// The answer must not fail for it. A lost refund over-counts, the safe side;
			// a lost extra charge (a miss KeyAPI charged twice) under-counts, and is
			// logged so it can be added by hand. (In shared mode the hold lapses after
			// its lifetime.)
			if (correction > 0) {
				log.error("Could not record {} more credits of team {} for {}: {}", correction, hold.team(),
						hold.period(), unreachable.getMessage());
			}
			else {
				log.warn("Could not refund or release a credit of team {}: {}", hold.team(), unreachable.getMessage());
			}
		}
		if (creditsCharged > 0) {
			creditsSpent(hold.team()).increment(creditsCharged);
		}
	}

	public Usage usage(Team team) {
		YearMonth period = currentPeriod();
		Map<String, Long> spent = this.ledger.spentIn(period);
		long teamSpent = spent.getOrDefault(team.name(), 0L);
		Long teamLimit = team.monthlyCredits();
		return new Usage(team.name(), period.toString(), teamSpent, teamLimit,
				(teamLimit != null) ? Math.max(0, teamLimit - teamSpent) : null,
				new Usage.Organisation(total(spent), this.organisationLimit));
	}

	/** Every team's usage, in the order given. */
	public Map<String, Usage> usage(Iterable<Team> teams) {
		Map<String, Usage> usage = new LinkedHashMap<>();
		for (Team team : teams) {
			usage.put(team.name(), usage(team));
		}
		return usage;
	}

	@Override
	public void close() {
		this.ledger.close();
	}

	private static long total(Map<String, Long> spentByTeam) {
		return spentByTeam.values().stream().mapToLong(Long::longValue).sum();
	}

	private double remaining(Team team) {
		Long limit = team.monthlyCredits();
		long spent = this.ledger.spentIn(currentPeriod()).getOrDefault(team.name(), 0L);
		return (limit != null) ? Math.max(0, limit - spent) : Double.NaN;
	}

	private Counter creditsSpent(String team) {
		return this.creditsSpent.computeIfAbsent(team,
				(name) -> Counter.builder("keyapi.proxy.credits.spent")
					.description("Credits KeyAPI charged, by the team whose request caused them")
					.tag("team", name)
					.register(this.meterRegistry));
	}

	private YearMonth currentPeriod() {
		return YearMonth.now(this.clock.withZone(ZoneOffset.UTC));
	}

	private Duration untilNextPeriod() {
		return Duration.between(this.clock.instant(),
				currentPeriod().plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
	}

}
