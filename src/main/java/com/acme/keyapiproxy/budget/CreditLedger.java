package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What each team spent per month. Implementations are thread-safe. A change is visible to {@link #spentIn} at once;
 * it survives a crash of the process once {@link #awaitDurable} has returned for it.
 */
interface CreditLedger extends AutoCloseable {

	/**
	 * Adds {@code credits} (negative to refund) to a team's spend in a period.
	 * @return a ticket for {@link #awaitDurable}
	 */
	long append(String team, YearMonth period, long credits);

	/** Returns once the change with this ticket, and every one before it, is on disk. */
	void awaitDurable(long ticket);

	/** {@link #append} and, if asked, {@link #awaitDurable}. */
	default void add(String team, YearMonth period, long credits, boolean durable) {
		long ticket = append(team, period, credits);
		if (durable) {
			awaitDurable(ticket);
		}
	}

	/**
	 * Adds one credit to a team's spend in a period unless the organisation or the team has reached its limit; the
	 * check and the addition are one atomic step.
	 * @param teamLimit the team's allowance, {@code null} for none
	 * @param organisationLimit all teams' allowance together, {@code null} for none
	 * @return a ticket for {@link #awaitDurable}
	 * @throws LimitReached naming the organisation when both are reached
	 */
	default long reserveOne(String team, YearMonth period, @Nullable Long teamLimit, @Nullable Long organisationLimit) {
		synchronized (this) {
			Map<String, Long> spent = spentIn(period);
			if (organisationLimit != null && spent.values().stream().mapToLong(Long::longValue).sum() >= organisationLimit) {
				throw new LimitReached(true);
			}
			if (teamLimit != null && spent.getOrDefault(team, 0L) >= teamLimit) {
				throw new LimitReached(false);
			}
			return append(team, period, 1);
		}
	}

	/** Every team's spend in a period. */
	Map<String, Long> spentIn(YearMonth period);

	@Override
	void close();

	/** The reservation was refused: the organisation's (or else the team's) allowance is spent. */
	final class LimitReached extends RuntimeException {

		private final boolean organisation;

		LimitReached(boolean organisation) {
			super(null, null, false, false);
			this.organisation = organisation;
		}

		boolean organisation() {
			return this.organisation;
		}

	}

}
