package com.acme.keyapiproxy.upstream;

import java.util.Locale;

/**
 * What KeyAPI's refusals taught: the rate it refused, the rate the proxy dropped to, and
 * when. From these alone the rate in force at any later moment follows ({@link #rateAt}),
 * so replicas sharing one record pace alike.
 *
 * @param refusedAt the rate (per second) in force when KeyAPI refused an attempt for its
 * limit
 * @param loweredTo the rate the proxy dropped to then
 * @param sinceMillis when (epoch milliseconds)
 */
public record LearnedLimit(double refusedAt, double loweredTo, long sinceMillis) {

	/**
	 * Multiplicative decrease: the rate drops to this share of the rate KeyAPI refused.
	 */
	static final double DECREASE = 0.75;

	/**
	 * Additive increase: the rate climbs back by this share of {@code qps} every second.
	 */
	static final double CLIMB_PER_SECOND = 0.02;

	/**
	 * Below the refused rate by this share while {@link #HOLD_MILLIS} lasts, so that a
	 * vendor limit found between the rate dropped to and the rate refused is not run into
	 * again and again.
	 */
	static final double BELOW_REFUSED = 0.9;

	/**
	 * How long the refused rate stays a ceiling before the rate probes above it again, on
	 * towards {@code qps}.
	 */
	static final long HOLD_MILLIS = 10 * 60 * 1000;

	/**
	 * The rate never drops below this share of {@code qps}, however often KeyAPI refuses.
	 */
	static final double FLOOR = 0.05;

	/**
	 * What KeyAPI's refusal of an attempt sent at {@code refusedAt} per second teaches,
	 * at {@code nowMillis}.
	 */
	static LearnedLimit refused(double refusedAt, double qps, long nowMillis) {
		return new LearnedLimit(refusedAt, Math.max(qps * FLOOR, refusedAt * DECREASE), nowMillis);
	}

	/**
	 * The rate in force at {@code nowMillis}: climbing from {@link #loweredTo}, held
	 * below {@link #refusedAt}.
	 */
	double rateAt(long nowMillis, double qps) {
		long elapsed = Math.max(0, nowMillis - this.sinceMillis);
		double climbed = this.loweredTo + climb(elapsed, qps);
		double ceiling = this.refusedAt * BELOW_REFUSED + climb(Math.max(0, elapsed - HOLD_MILLIS), qps);
		return Math.max(qps * FLOOR, Math.min(qps, Math.min(climbed, ceiling)));
	}

	/** The form kept in Redis: three numbers, readable with {@code redis-cli GET}. */
	public String encoded() {
		return String.format(Locale.ROOT, "%s %s %d", this.refusedAt, this.loweredTo, this.sinceMillis);
	}

	public static LearnedLimit decode(String encoded) {
		String[] parts = encoded.split(" ");
		return new LearnedLimit(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Long.parseLong(parts[2]));
	}

	private static double climb(long millis, double qps) {
		return qps * CLIMB_PER_SECOND * millis / 1000.0;
	}

}
