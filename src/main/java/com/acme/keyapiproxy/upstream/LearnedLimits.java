package com.acme.keyapiproxy.upstream;

import org.jspecify.annotations.Nullable;

/**
 * Where the {@link LearnedLimit} lives: in this process for a single instance, in Redis
 * for every replica in shared mode. Thread-safe.
 */
public interface LearnedLimits {

	/**
	 * What is known now, {@code null} when KeyAPI has not refused (or the rate is back at
	 * {@code qps}).
	 */
	@Nullable LearnedLimit read();

	/**
	 * Replaces what is known, unless another thread or replica changed it since it was
	 * read.
	 * @return whether it was replaced
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when Redis cannot
	 * be reached
	 */
	boolean replace(@Nullable LearnedLimit expected, @Nullable LearnedLimit next);

}
