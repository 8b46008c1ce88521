package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.Map;

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

	/** Every team's spend in a period. */
	Map<String, Long> spentIn(YearMonth period);

	@Override
	void close();

}
