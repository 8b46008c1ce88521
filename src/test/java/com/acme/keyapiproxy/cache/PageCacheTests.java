package com.acme.keyapiproxy.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class PageCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T19:00:00Z"));

	private final PageCache cache = new PageCache(
			new CacheProperties(Duration.ofHours(6), Duration.ofDays(7), DataSize.ofMegabytes(1)), this.clock,
			new SimpleMeterRegistry());

	private final PageKey key = new PageKey("7288986759428588590", 1);

	@Test
	void aStoredPageIsFreshForTheTtlThenStaleButKeptThenGone() {
		load(this.key, "a");

		assertThat(this.cache.freshOrPromoted(this.key)).isNotNull();
		this.clock.advance(Duration.ofHours(6).minusSeconds(1));
		assertThat(this.cache.freshFor(this.cache.storedOrPromoted(this.key))).isEqualTo(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.cache.freshOrPromoted(this.key)).isNull();
		assertThat(this.cache.storedOrPromoted(this.key)).as("kept to answer when KeyAPI fails").isNotNull();
		this.clock.advance(Duration.ofDays(7));
		assertThat(this.cache.storedOrPromoted(this.key)).isNull();
	}

	@Test
	void concurrentLookupsOfOneKeyRunOneLoaderAndAllShareItsPage() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<StoredPage> slowLoad = new CompletableFuture<>();

		List<PageCache.Lookup> lookups = Concurrently.run(100,
				(caller) -> this.cache.lookup(this.key, this.cache::isFresh, (replaced, claim) -> {
					loads.incrementAndGet();
					return slowLoad;
				}));
		slowLoad.complete(page("shared"));

		assertThat(loads).hasValue(1);
		assertThat(lookups).filteredOn((l) -> l.origin() == PageCache.Origin.LOADED).hasSize(1);
		assertThat(lookups).filteredOn((l) -> l.origin() == PageCache.Origin.JOINED).hasSize(99);
		assertThat(lookups).allSatisfy((l) -> assertThat(l.page().join().body()).isEqualTo(bytes("shared")));
	}

	@Test
	void aFailedLoadIsNotCached() {
		this.cache.lookup(this.key, this.cache::isFresh,
				(replaced, claim) -> CompletableFuture.failedFuture(new IllegalStateException("KeyAPI down")));

		PageCache.Lookup next = this.cache.lookup(this.key, this.cache::isFresh,
				(replaced, claim) -> CompletableFuture.completedFuture(page("b")));

		assertThat(next.origin()).isEqualTo(PageCache.Origin.LOADED);
		assertThat(next.page().join().body()).isEqualTo(bytes("b"));
	}

	@Test
	void aStalePageIsReplacedAndHandedToTheLoaderForFallingBack() {
		load(this.key, "old");
		this.clock.advance(Duration.ofHours(7));

		StoredPage[] handed = new StoredPage[1];
		PageCache.Lookup lookup = this.cache.lookup(this.key, this.cache::isFresh, (replaced, claim) -> {
			handed[0] = replaced;
			return CompletableFuture.completedFuture(replaced);
		});

		assertThat(lookup.origin()).isEqualTo(PageCache.Origin.LOADED);
		assertThat(handed[0].body()).isEqualTo(bytes("old"));
		assertThat(this.cache.storedOrPromoted(this.key)).as("the fallback keeps the old page stored").isNotNull();
	}

	@Test
	void theCacheIsBoundedByBytesNotEntries() {
		for (int i = 0; i < 40; i++) {
			load(new PageKey(Integer.toString(i), 1), "x".repeat(100_000));
		}

		this.cache.cleanUp();
		assertThat(this.cache.weightedBytes()).isLessThanOrEqualTo(DataSize.ofMegabytes(1).toBytes());
	}

	private void load(PageKey key, String body) {
		this.cache.lookup(key, this.cache::isFresh, (replaced, claim) -> CompletableFuture.completedFuture(page(body)))
			.page()
			.join();
	}

	private StoredPage page(String body) {
		return new StoredPage(List.of(), null, this.clock.instant(), bytes(body), "\"" + body.hashCode() + "\"", false);
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

}
