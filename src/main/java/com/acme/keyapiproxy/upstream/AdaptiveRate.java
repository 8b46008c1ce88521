package com.acme.keyapiproxy.upstream;

import java.util.Locale;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The rate the proxy allows itself toward KeyAPI: {@code keyapi.rate-limit.qps} until
 * KeyAPI refuses an attempt for its limit, then lower, probing back up while KeyAPI
 * accepts (AIMD; the numbers are {@link LearnedLimit}'s). A refusal of an attempt sent
 * before the last decrease was sent at the old rate and teaches nothing new, so the
 * refusals of the attempts that were already on their way make one decrease, not several.
 * <p>
 * Each change is logged once at WARN: the decrease with the old and new rate, and the
 * return to {@code qps}.
 * <p>
 * Thread-safe: what was learned is replaced by compare-and-set ({@link LearnedLimits}),
 * in Redis in shared mode, so every replica paces at the same rate. Time is the wall
 * clock, the one clock replicas share (they run NTP).
 */
final class AdaptiveRate {

	/**
	 * Each interval is longer than {@code 1/rate} by this share, for the network's jitter
	 * between the proxy and KeyAPI: {@code qps} requests span 1025 ms, so any two of them
	 * may arrive 25 ms closer than they were sent, at any qps.
	 */
	static final double SAFETY_MARGIN = 0.025;

	private static final Logger log = LoggerFactory.getLogger(AdaptiveRate.class);

	private final double qps;

	private final LearnedLimits learned;

	private final LongSupplier wallMillis;

	/** The last rate read, for the gauge while Redis cannot be reached. */
	private volatile double lastKnown;

	AdaptiveRate(double qps, LearnedLimits learned, LongSupplier wallMillis) {
		this.qps = qps;
		this.learned = learned;
		this.wallMillis = wallMillis;
		this.lastKnown = qps;
	}

	static long intervalNanos(double perSecond) {
		return Math.round(1_000_000_000L / perSecond * (1 + SAFETY_MARGIN));
	}

	/** Requests per second allowed now. */
	double perSecond() {
		LearnedLimit known = this.learned.read();
		double rate = (known != null) ? known.rateAt(this.wallMillis.getAsLong(), this.qps) : this.qps;
		if (known != null && rate >= this.qps && this.learned.replace(known, null)) {
			log.warn("KeyAPI rate back at the configured {}/s: no refusal for its limit since {}/s was refused",
					format(this.qps), format(known.refusedAt()));
		}
		this.lastKnown = rate;
		return rate;
	}

	/** The spacing between two sends now: {@code 1/rate} and the safety margin. */
	long intervalNanos() {
		return intervalNanos(perSecond());
	}

	/** The spacing at the last rate known, without asking the shared state. */
	long lastKnownIntervalNanos() {
		return intervalNanos(this.lastKnown);
	}

	/**
	 * For the gauge: the rate now, or the last one known when the shared state cannot be
	 * read.
	 */
	double perSecondOrLastKnown() {
		try {
			return perSecond();
		}
		catch (SharedStateUnavailable unreachable) {
			return this.lastKnown;
		}
	}

	/**
	 * KeyAPI refused an attempt for its rate limit.
	 * @param sentAtMillis when that attempt was written (wall clock)
	 */
	void refusedForLimit(long sentAtMillis) {
		while (true) {
			@Nullable LearnedLimit known = this.learned.read();
			if (known != null && sentAtMillis < known.sinceMillis()) {
				return;
			}
			double refused = (known != null) ? known.rateAt(sentAtMillis, this.qps) : this.qps;
			LearnedLimit lowered = LearnedLimit.refused(refused, this.qps, this.wallMillis.getAsLong());
			if (this.learned.replace(known, lowered)) {
				this.lastKnown = lowered.loweredTo();
				log.warn(
						"KeyAPI refused a request for its rate limit at {}/s: slowing to {}/s, probing back up but "
								+ "below {}/s for {} min",
						format(refused), format(lowered.loweredTo()), format(refused * LearnedLimit.BELOW_REFUSED),
						LearnedLimit.HOLD_MILLIS / 60_000);
				return;
			}
		}
	}

	private static String format(double rate) {
		return String.format(Locale.ROOT, "%.2f", rate);
	}

}
