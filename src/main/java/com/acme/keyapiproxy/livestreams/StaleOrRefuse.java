package com.acme.keyapiproxy.livestreams;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.budget.BudgetExhausted;
import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.upstream.UpstreamFailure;

/**
 * The one rule for a page that could not be fetched: answer the stored page, however old,
 * when there is one and the failure is one a stale page may hide, else refuse with the
 * failure.
 * <p>
 * A stale page hides KeyAPI failing ({@link UpstreamFailure}), Redis being unreachable
 * ({@link SharedStateUnavailable}) and a fetch nobody can pay for
 * ({@link BudgetExhausted}, {@link CreditsStillHeld}). Anything else is not hidden: a
 * fetch taken over by another replica (the cache answers that replica's page) or a bug.
 */
final class StaleOrRefuse {

	private StaleOrRefuse() {
	}

	/** Whether a stale page may be answered instead of this failure. */
	static boolean servesStale(Throwable failure) {
		Throwable cause = unwrapped(failure);
		return cause instanceof UpstreamFailure || cause instanceof SharedStateUnavailable
				|| cause instanceof BudgetExhausted || cause instanceof CreditsStillHeld;
	}

	/**
	 * @param stale the stored page, {@code null} when there is none
	 * @return the stale page when the failure allows it
	 * @throws RuntimeException the failure (unwrapped from a {@link CompletionException})
	 * when there is no stale page or the failure does not allow one
	 */
	static StoredPage staleOrThrow(@Nullable StoredPage stale, Throwable failure) {
		if (stale != null && servesStale(failure)) {
			return stale;
		}
		Throwable cause = unwrapped(failure);
		throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
	}

	/** {@link #staleOrThrow} as a future. */
	static CompletableFuture<StoredPage> answer(@Nullable StoredPage stale, Throwable failure) {
		try {
			return CompletableFuture.completedFuture(staleOrThrow(stale, failure));
		}
		catch (RuntimeException refused) {
			return CompletableFuture.failedFuture(refused);
		}
	}

	static Throwable unwrapped(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
