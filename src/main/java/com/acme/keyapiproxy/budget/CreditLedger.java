package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.Map;

/**
 * What each team spent per month. Implementations are thread-safe; {@link #add} with {@code durable} returns only
 * once the change survives a crash of the process.
 */
interface CreditLedger extends AutoCloseable {

	/** Adds {@code credits} (negative to refund) to a team's spend in a period. */
	void add(String team, YearMonth period, long credits, boolean durable);

	/** Every team's spend in a period. */
	Map<String, Long> spentIn(YearMonth period);

	@Override
	void close();

}
