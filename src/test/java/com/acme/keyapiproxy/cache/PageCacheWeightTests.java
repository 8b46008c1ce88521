package com.acme.keyapiproxy.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import com.acme.keyapiproxy.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code proxy.cache.max-size} bounds the bytes the pages take: a page is weighed by its
 * bytes, so pages past the bound are evicted.
 */
class PageCacheWeightTests {

	private static final int PAGE_BYTES = 100_000;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T19:00:00Z"));

	private final PageCache cache = new PageCache(
			new CacheProperties(Duration.ofHours(6), Duration.ofDays(7), DataSize.ofMegabytes(1)), this.clock,
			new SimpleMeterRegistry());

	@Test
	void aPageWeighsItsBytes() {
		StoredPage page = page("x".repeat(PAGE_BYTES), List.of(bytes("item")));

		assertThat(page.weight()).isBetween(PAGE_BYTES + 4, PAGE_BYTES + 1_000);
	}

	@Test
	void pagesPastTheByteBoundAreEvictedAndWhatIsKeptIsWeighed() {
		for (int i = 0; i < 40; i++) {
			load(new PageKey(Integer.toString(i), 1), "x".repeat(PAGE_BYTES));
		}
		this.cache.cleanUp();

		long kept = IntStream.range(0, 40)
			.filter((i) -> this.cache.storedOrPromoted(new PageKey(Integer.toString(i), 1)) != null)
			.count();
		assertThat(kept).as("pages of 100 kB kept under 1 MB").isBetween(1L, 10L);
		assertThat(this.cache.weightedBytes()).as("their bytes")
			.isBetween(kept * PAGE_BYTES, DataSize.ofMegabytes(1).toBytes());
	}

	private void load(PageKey key, String body) {
		this.cache
			.lookup(key, this.cache::isFresh,
					(replaced, claim) -> CompletableFuture.completedFuture(page(body, List.of())))
			.page()
			.join();
	}

	private StoredPage page(String body, List<byte[]> items) {
		return new StoredPage(items, null, this.clock.instant(), bytes(body), "\"" + body.hashCode() + "\"", false);
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

}
