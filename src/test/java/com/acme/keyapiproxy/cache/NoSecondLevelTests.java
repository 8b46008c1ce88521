package com.acme.keyapiproxy.cache;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NoSecondLevelTests {

	private final NoSecondLevel none = new NoSecondLevel();

	private final PageKey key = new PageKey("7288986759428588590", 1);

	@Test
	void holdsNothingAndNobodyElseFetches() {
		assertThat(this.none.find(this.key)).isNull();
		assertThat(this.none.isBeingFetched(this.key)).isFalse();
	}

	@Test
	void everyLoadRunsItsLoaderHereUncontestedWithThePageItReplaces() {
		StoredPage replaced = page(Instant.parse("2026-11-24T13:00:00Z"));
		StoredPage fetched = page(Instant.parse("2026-11-24T19:00:00Z"));
		AtomicReference<FetchClaim> claim = new AtomicReference<>();
		AtomicReference<StoredPage> handed = new AtomicReference<>();
		CompletableFuture<StoredPage> into = new CompletableFuture<>();

		PageCache.Origin origin = this.none
			.fetch(new PageLoad(this.key, (page) -> false, null, replaced, (previous, given) -> {
				handed.set(previous);
				claim.set(given);
				return CompletableFuture.completedFuture(fetched);
			}, into));

		assertThat(origin).isEqualTo(PageCache.Origin.LOADED);
		assertThat(into).isCompletedWithValue(fetched);
		assertThat(handed.get()).isSameAs(replaced);
		assertThat(claim.get()).isSameAs(FetchClaim.UNCONTESTED);
	}

	@Test
	void aLoaderThatThrowsFailsTheLoadRatherThanTheCaller() {
		CompletableFuture<StoredPage> into = new CompletableFuture<>();

		this.none.fetch(new PageLoad(this.key, (page) -> false, null, null, (previous, claim) -> {
			throw new IllegalStateException("refused");
		}, into));

		assertThat(into).isCompletedExceptionally();
	}

	static StoredPage page(Instant fetchedAt) {
		return new StoredPage(List.of(), null, fetchedAt, new byte[0], "\"e\"", false);
	}

}
