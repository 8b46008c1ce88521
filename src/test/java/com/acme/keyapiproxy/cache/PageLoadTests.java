package com.acme.keyapiproxy.cache;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import static com.acme.keyapiproxy.cache.NoSecondLevelTests.page;
import static org.assertj.core.api.Assertions.assertThat;

class PageLoadTests {

	private final PageKey key = new PageKey("7288986759428588590", 1);

	private final Instant known = Instant.parse("2026-11-24T13:00:00Z");

	@Test
	void aPageAnotherInstanceStoredAnswersTheLoadWhenAcceptableOrNewerThanTheOneKnown() {
		PageLoad load = load((page) -> page.fetchedAt().equals(Instant.EPOCH), this.known, null);

		assertThat(load.isAnsweredBy(page(Instant.EPOCH))).as("acceptable").isTrue();
		assertThat(load.isAnsweredBy(page(this.known.plusSeconds(1)))).as("newer").isTrue();
		assertThat(load.isAnsweredBy(page(this.known))).as("the very page known").isFalse();
	}

	@Test
	void whenNoPageWasKnownAnyPageAnswersTheLoad() {
		assertThat(load((page) -> false, null, null).isAnsweredBy(page(this.known))).isTrue();
	}

	@Test
	void aFailedSecondLevelFallsBackToThePageReplacedOrFails() {
		StoredPage replaced = page(this.known);
		PageLoad withPage = load((page) -> false, null, replaced);
		PageLoad without = load((page) -> false, null, null);

		withPage.fallBack(new IllegalStateException("unreachable"));
		without.fallBack(new IllegalStateException("unreachable"));

		assertThat(withPage.into()).isCompletedWithValue(replaced);
		assertThat(without.into()).isCompletedExceptionally();
	}

	private PageLoad load(Predicate<StoredPage> acceptable, Instant known, StoredPage replaced) {
		return new PageLoad(this.key, acceptable, known, replaced,
				(previous, claim) -> CompletableFuture.failedFuture(new AssertionError("not loaded")),
				new CompletableFuture<>());
	}

}
