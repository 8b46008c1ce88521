package com.acme.keyapiproxy.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import com.acme.keyapiproxy.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page cache over a second level that records what it is asked (as the disk level and
 * Redis would be): a hit in memory never reaches it, a memory miss reads it before
 * loading, and purges go through it.
 */
class PageCacheLevelsTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final RecordingLevel level = new RecordingLevel();

	private final PageCache cache = new PageCache(
			new CacheProperties(Duration.ofHours(6), Duration.ofDays(7), DataSize.ofMegabytes(1)), this.clock,
			new SimpleMeterRegistry(), this.level);

	private final PageKey key = new PageKey("7288986759428588590", 1);

	@Test
	void aHitInMemoryNeverAsksTheSecondLevel() {
		this.cache.lookup(this.key, this.cache::isFresh, (replaced, claim) -> completed(page("a"))).page().join();
		int asked = this.level.finds.get();

		for (int i = 0; i < 10; i++) {
			assertThat(this.cache.lookup(this.key, this.cache::isFresh, (replaced, claim) -> {
				throw new AssertionError("a hit must not load");
			}).origin()).isEqualTo(PageCache.Origin.STORED);
			assertThat(this.cache.freshOrPromoted(this.key)).isNotNull();
		}

		assertThat(this.level.finds).as("second-level reads after the page was in memory").hasValue(asked);
	}

	@Test
	void aMemoryMissIsAnsweredFromTheSecondLevelWithoutALoadAndPromoted() {
		StoredPage kept = page("kept before the restart");
		this.level.pages.put(this.key, kept);

		PageCache.Lookup lookup = this.cache.lookup(this.key, this.cache::isFresh, (replaced, claim) -> {
			throw new AssertionError("the second level had it");
		});

		assertThat(lookup.origin()).isEqualTo(PageCache.Origin.STORED);
		assertThat(lookup.page().join()).isSameAs(kept);
		assertThat(this.cache.freshOrPromoted(this.key)).isSameAs(kept);
		assertThat(this.level.finds).as("read once, then held in memory").hasValue(1);
	}

	@Test
	void purgesReachTheSecondLevel() {
		this.cache.invalidateInfluencer("7288986759428588590");
		this.cache.invalidateAll();

		assertThat(this.level.purges).containsExactly("7288986759428588590", "*");
	}

	private StoredPage page(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return new StoredPage(List.of(), null, this.clock.instant(), bytes, "\"" + body.hashCode() + "\"", false);
	}

	private static CompletableFuture<StoredPage> completed(StoredPage page) {
		return CompletableFuture.completedFuture(page);
	}

	/**
	 * Holds what the test puts in it and records what it is asked; otherwise it is no
	 * level at all (loads run here, uncontested).
	 */
	private static final class RecordingLevel implements SecondLevel {

		private final Map<PageKey, StoredPage> pages = new ConcurrentHashMap<>();

		private final AtomicInteger finds = new AtomicInteger();

		private final List<String> purges = new CopyOnWriteArrayList<>();

		private final SecondLevel none = new NoSecondLevel();

		@Override
		public @Nullable StoredPage find(PageKey key) {
			this.finds.incrementAndGet();
			return this.pages.get(key);
		}

		@Override
		public boolean isBeingFetched(PageKey key) {
			return this.none.isBeingFetched(key);
		}

		@Override
		public PageCache.Origin fetch(PageLoad load) {
			return this.none.fetch(load);
		}

		@Override
		public void supersede(String userId, int exceptPage, Instant before) {
		}

		@Override
		public void purge(String userId) {
			this.purges.add(userId);
		}

		@Override
		public void purgeAll() {
			this.purges.add("*");
		}

		@Override
		public void onInvalidation(Consumer<Invalidation> apply) {
			this.none.onInvalidation(apply);
		}

	}

}
