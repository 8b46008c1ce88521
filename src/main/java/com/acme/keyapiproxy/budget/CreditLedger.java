package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What each team spent per month, and the credits held for misses about to be sent. Implementations are thread-safe.
 * A change is visible to {@link #spentIn} at once; it survives a crash of the process once {@link #awaitDurable} has
 * returned for it. Holds are counted against the allowances but are not spent, and a crash forgets them: a miss's
 * credit is held while it waits in line and spent (durably) just before it is sent.
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
	 * Holds one credit for a miss of this team unless the organisation or the team has reached its limit, counting
	 * what is spent and what is held: the check and the hold are one atomic step. A hold is not spent yet, and not
	 * durable: a crash forgets it.
	 * @param teamLimit the team's allowance, {@code null} for none
	 * @param organisationLimit all teams' allowance together, {@code null} for none
	 * @throws LimitReached naming the organisation when both are reached
	 */
	Hold hold(String team, YearMonth period, @Nullable Long teamLimit, @Nullable Long organisationLimit);

	/**
	 * The held credit becomes a credit spent.
	 * @return a ticket for {@link #awaitDurable}
	 */
	long spend(Hold hold);

	/** The hold ends without spending anything. */
	void release(Hold hold);

	/** Every team's spend in a period. */
	Map<String, Long> spentIn(YearMonth period);

	@Override
	void close();

	/** One credit held for one team in one month, until it is spent or released. */
	record Hold(String id, String team, YearMonth period) {

		static Hold of(String team, YearMonth period) {
			return new Hold(UUID.randomUUID().toString(), team, period);
		}

	}

	/** The hold was refused: the organisation's (or else the team's) allowance is spent or held. */
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
