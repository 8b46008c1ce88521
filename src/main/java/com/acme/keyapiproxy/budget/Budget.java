package com.acme.keyapiproxy.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
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
import org.springframework.stereotype.Component;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.teams.Teams;

/**
 * The one shared credit budget. A miss {@link #reserve reserves} a credit for its team when it decides to call KeyAPI
 * (refused when the organisation's or the team's monthly allowance is spent or held), {@link #spend spends} it durably
 * just before the request is sent, and {@link #settle settles} it when the miss is over: kept if KeyAPI answered 2xx
 * (KeyAPI charged), refunded otherwise, so an outage eats no allowance. A crash forgets the credits held by misses that
 * were still waiting in line: it over-counts at most the misses being sent. Periods are calendar months in UTC.
 * <p>
 * Thread-safe: the check against the allowances and the hold are one atomic step, which makes charging exact under
 * any concurrency; waiting for a spend to reach the disk is not, so concurrent misses share one fsync.
 */
@Component
public class Budget implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Budget.class);

	private final CreditLedger ledger;

	private final @Nullable Long organisationLimit;

	private final Clock clock;

	private final MeterRegistry meterRegistry;

	private final Map<String, Counter> creditsSpent = new ConcurrentHashMap<>();

	@Autowired
	Budget(CreditLedger ledger, BudgetProperties properties, Teams teams, Clock clock, MeterRegistry meterRegistry) {
		this(ledger, properties.monthlyCredits(), teams, clock, meterRegistry);
	}

	Budget(CreditLedger ledger, @Nullable Long organisationLimit, Teams teams, Clock clock,
			MeterRegistry meterRegistry) {
		this.ledger = ledger;
		this.organisationLimit = organisationLimit;
		this.clock = clock;
		this.meterRegistry = meterRegistry;
		Gauge.builder("keyapi.proxy.organisation.credits.spent",
				() -> total(this.ledger.spentIn(currentPeriod())))
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
				// With remaining, the share of the allowance spent: what the team budget alerts compare.
				Gauge.builder("keyapi.proxy.credits.limit", () -> limit)
					.description("The team's monthly credit allowance (absent for unlimited teams)")
					.tag("team", team.name())
					.register(meterRegistry);
			}
		}
	}

	/**
	 * Holds one credit for a miss of this team while it waits in line: counted against the allowances at once (so
	 * concurrent misses cannot overspend), not yet spent, and forgotten by a crash.
	 * @throws OrganisationBudgetExhausted when all teams together have spent (or hold) the month's shared credits
	 * (named first, even when the team's own are spent too)
	 * @throws TeamBudgetExhausted when the team has spent (or holds) its own
	 */
	public Reservation reserve(Team team) {
		try {
			return new Reservation(this.ledger.hold(team.name(), currentPeriod(), team.monthlyCredits(),
					this.organisationLimit));
		}
		catch (CreditLedger.LimitReached reached) {
			if (reached.organisation()) {
				throw new OrganisationBudgetExhausted(Objects.requireNonNull(this.organisationLimit,
						"The ledger reaches the organisation's limit only when there is one"), untilNextPeriod());
			}
			throw new TeamBudgetExhausted(team.name(), Objects.requireNonNull(team.monthlyCredits(),
					"The ledger reaches a team's limit only when it has one"), untilNextPeriod());
		}
	}

	/**
	 * Spends the held credit, durably, before KeyAPI is called: when the miss's first attempt is next in line. A
	 * crash after this over-counts the credit if KeyAPI never saw the request; one before it costs nothing. Runs
	 * once; later calls do nothing.
	 * @throws IllegalStateException when the reservation was settled already (the miss is over: do not send it)
	 */
	public void spend(Reservation reservation) {
		if (reservation.markSpent()) {
			// Outside any lock, so that concurrent misses share one fsync instead of queueing for one each.
			this.ledger.awaitDurable(this.ledger.spend(reservation.hold()));
		}
		else if (reservation.isSettled()) {
			throw new IllegalStateException("The miss's credit was settled before it was sent");
		}
	}

	/**
	 * Ends a reservation with what KeyAPI actually charged for the miss (the 2xx answers it gave): a held credit is
	 * released; a spent one is refunded when KeyAPI charged nothing, kept for one. Runs once; later calls do nothing.
	 */
	public void settle(Reservation reservation, int creditsCharged) {
		Reservation.Stage was = reservation.markSettled();
		if (was == Reservation.Stage.SETTLED) {
			return;
		}
		CreditLedger.Hold hold = reservation.hold();
		long correction = (was == Reservation.Stage.HELD) ? creditsCharged : creditsCharged - 1L;
		try {
			if (was == Reservation.Stage.HELD) {
				this.ledger.release(hold);
			}
			if (correction != 0) {
				this.ledger.add(hold.team(), hold.period(), correction, correction > 0);
			}
		}
		catch (SharedStateUnavailable unreachable) {
			// The answer must not fail for it. A lost refund over-counts, the safe side; a lost extra charge (a
			// miss KeyAPI charged twice) under-counts, and is logged so it can be added by hand.
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
		return this.creditsSpent.computeIfAbsent(team, (name) -> Counter.builder("keyapi.proxy.credits.spent")
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
