package com.acme.keyapiproxy.sharedstate;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Redis could not be reached (or did not answer in time) for state every replica must
 * agree on. A miss that meets it is refused rather than sent to KeyAPI unaccounted; it
 * carries no stack trace, as it is an expected outcome.
 */
public final class SharedStateUnavailable extends RuntimeException {

	public SharedStateUnavailable(String what, @Nullable Throwable cause) {
		super("The shared state (Redis) is unreachable: " + what, cause, false, false);
	}

	/**
	 * Runs a Redis command, a failure to reach Redis (any Spring
	 * {@link DataAccessException}) named as this.
	 */
	public static <T> T unlessUnreachable(String what, Supplier<T> command) {
		try {
			return command.get();
		}
		catch (DataAccessException ex) {
			throw new SharedStateUnavailable(what, ex);
		}
	}

}
