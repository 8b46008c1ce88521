package com.acme.keyapiproxy.budget;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the ledger answered when asked to hold a credit against a list of limits. The
 * rule, the same in Java and in the shared ledger's Lua script: the first limit (in the
 * order given) whose credits are all charged refuses; else the first one whose remaining
 * credits are all held by fetches in flight asks the miss to wait; else the credit is
 * held against every limit.
 */
public sealed interface HoldVerdict {

	/**
	 * Applies the rule to limits' standings, in the order the limits were given;
	 * {@code null} means hold.
	 */
	static @Nullable Refused refusalOf(List<Standing> standings, long changesSeen) {
		for (Standing standing : standings) {
			if (standing.isSpent()) {
				return new Spent(standing.limit().name());
			}
		}
		for (Standing standing : standings) {
			if (standing.remaining() <= 0) {
				return new AllHeld(standing.limit().name(), changesSeen);
			}
		}
		return null;
	}

	/** The credit is held, counted against every limit. */
	record Held(CreditLedger.Hold hold) implements HoldVerdict {
	}

	/** No credit was held. */
	sealed interface Refused extends HoldVerdict {

		String limit();

	}

	/** The named limit's credits are charged for good this period. */
	record Spent(String limit) implements Refused {
	}

	/**
	 * The named limit's remaining credits are all held by fetches in flight: they may
	 * come back when those settle.
	 *
	 * @param changesSeen the ledger's change count when it looked, for
	 * {@link CreditLedger#awaitSettling}
	 */
	record AllHeld(String limit, long changesSeen) implements Refused {
	}

}
