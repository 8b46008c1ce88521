package com.acme.keyapiproxy.cache;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A load {@link PageCache#lookup} started, as handed to its {@link SecondLevel}: the page
 * to complete {@link #into} with, and how.
 *
 * @param key the page
 * @param acceptable whether a stored page may be answered as it is
 * @param knownFetchedAt when the page the second level held at the lookup was fetched,
 * {@code null} when it held none: a newer one answers the load too
 * @param replaced the page the load replaces, {@code null} when none, to fall back to
 * @param loader fetches the page
 * @param into the lookup's future
 */
public record PageLoad(PageKey key, Predicate<StoredPage> acceptable, @Nullable Instant knownFetchedAt,
		@Nullable StoredPage replaced, PageLoader loader, CompletableFuture<StoredPage> into) {

	/**
	 * Whether a page another instance stored answers this load: it is acceptable, or
	 * newer than the one the second level held when the load began.
	 */
	public boolean isAnsweredBy(StoredPage page) {
		Instant known = this.knownFetchedAt;
		return this.acceptable.test(page) || known == null || page.fetchedAt().isAfter(known);
	}

	/** Runs the loader under {@code claim}, its outcome completing {@code target}. */
	public void runLoader(FetchClaim claim, CompletableFuture<StoredPage> target) {
		CompletableFuture<StoredPage> loaded;
		try {
			loaded = this.loader.load(this.replaced, claim);
		}
		catch (RuntimeException ex) {
			loaded = CompletableFuture.failedFuture(ex);
		}
		loaded.whenComplete((page, failure) -> {
			if (failure != null) {
				target.completeExceptionally(failure);
			}
			else {
				target.complete(page);
			}
		});
	}

	/**
	 * The second level failed: the page replaced, however old, is better than an error.
	 */
	public void fallBack(RuntimeException failure) {
		if (this.replaced != null) {
			this.into.complete(this.replaced);
		}
		else {
			this.into.completeExceptionally(failure);
		}
	}

}
