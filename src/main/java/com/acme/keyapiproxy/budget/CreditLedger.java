package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What each team spent per month, and the credits of misses in flight. Implementations
 * are thread-safe. A change is visible to {@link #spentIn} at once; it survives a crash
 * of the process once {@link #awaitDurable} has returned for it.
 * <p>
 * A miss's credit is {@link #hold held} while it waits in line (counted against the
 * limits, not spent, forgotten by a crash), {@link #spend spent} (durably) just before it
 * is sent, and {@link #settle settled} when its outcome is known. Until it is settled it
 * is in flight: it may come back (a failure is refunded), so a limit is exhausted only
 * when what is left after the fetches in flight is charged.
 */
public interface CreditLedger extends AutoCloseable {

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
	 * Holds one credit for a miss of this team if every limit allows it
	 * ({@link HoldVerdict} states the rule): the check and the hold are one atomic step.
	 * @param limits the limits the team's credits count against, the one to name first
	 * when several refuse first
	 */
	HoldVerdict hold(String team, YearMonth period, List<Limit> limits);

	/**
	 * Returns when a miss told {@link HoldVerdict.AllHeld} may find a credit now (a fetch
	 * in flight settled, or credits were refunded, since it looked), or at
	 * {@code deadlineNanos} ({@link System#nanoTime}) at the latest. It may return
	 * earlier with nothing changed: the caller asks again.
	 */
	void awaitSettling(HoldVerdict.AllHeld verdict, long deadlineNanos) throws InterruptedException;

	/**
	 * The held credit becomes a credit spent, still in flight until it is settled.
	 * @return a ticket for {@link #awaitDurable}
	 */
	long spend(Hold hold);

	/**
	 * Ends the miss, in one step: its credit is no longer in flight, and
	 * {@code correction} is added to the team's spend (-1 to refund a spent credit KeyAPI
	 * did not charge, 1 for an extra page it did).
	 * @param spent whether the hold was {@link #spend spent}
	 * @return a ticket for {@link #awaitDurable}
	 */
	long settle(Hold hold, boolean spent, long correction);

	/** Every team's spend in a period. */
	Map<String, Long> spentIn(YearMonth period);

	@Override
	void close();

	/**
	 * One credit held for one team in one month against some limits, until it is settled.
	 */
	record Hold(String id, String team, YearMonth period, List<Limit> limits) {

		public static Hold of(String team, YearMonth period, List<Limit> limits) {
			return new Hold(UUID.randomUUID().toString(), team, period, List.copyOf(limits));
		}

	}

}
