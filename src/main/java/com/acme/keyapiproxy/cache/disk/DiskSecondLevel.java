package com.acme.keyapiproxy.cache.disk;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.acme.keyapiproxy.cache.FetchClaim;
import com.acme.keyapiproxy.cache.Invalidation;
import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.PageLoad;
import com.acme.keyapiproxy.cache.SecondLevel;
import com.acme.keyapiproxy.cache.StoredPage;

/**
 * A single instance's second level: the pages it stored, on disk, found again after a
 * restart or a crash. Every load runs here (nobody else fetches) and its page is queued
 * for the disk; a memory miss reads the disk before deciding to fetch. The store opens in
 * the background, so a start does not wait for it; a lookup that comes before it is open
 * waits for it a moment. A disk that cannot be opened, read or written is logged and
 * counted, and the cache works from memory alone.
 * <p>
 * Thread-safe.
 */
final class DiskSecondLevel implements SecondLevel, AutoCloseable {

	/**
	 * How long a lookup waits for the store to open (it takes a fraction of a second):
	 * longer than a start's first request would, shorter than paying for a page it may
	 * hold.
	 */
	static final Duration OPEN_WAIT = Duration.ofSeconds(3);

	static final Duration PURGE_WAIT = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(DiskSecondLevel.class);

	private final DiskWriter writer;

	private final Clock clock;

	private final Duration retention;

	private final DiskFailures failures;

	DiskSecondLevel(Path directory, long maxBytes, Duration retention, Clock clock, MeterRegistry meterRegistry) {
		this.clock = clock;
		this.retention = retention;
		this.failures = new DiskFailures(meterRegistry);
		this.writer = new DiskWriter(directory, maxBytes, retention, clock, this.failures);
		Gauge.builder("keyapi.proxy.cache.disk", this.writer, DiskWriter::bytes)
			.description("Bytes of the pages kept on disk across restarts (bounded by proxy.cache.disk.max-size)")
			.baseUnit("bytes")
			.register(meterRegistry);
		Gauge.builder("keyapi.proxy.cache.disk.entries", this.writer, DiskWriter::entries)
			.description("Pages kept on disk across restarts")
			.register(meterRegistry);
	}

	@Override
	public @Nullable StoredPage find(PageKey key) {
		DiskPageStore store = await();
		if (store == null) {
			return null;
		}
		DiskPageStore.Kept kept;
		try {
			kept = store.read(key);
			if (kept == null) {
				return null;
			}
		}
		catch (SQLException failed) {
			this.failures.read();
			log.warn("Could not read page {} of {} from the page cache on disk: {}", key.page(), key.userId(),
					failed.getMessage());
			return null;
		}
		StoredPage page;
		try {
			page = PageRecord.decode(kept.record(), kept.superseded());
		}
		catch (PageRecord.DamagedRecord damaged) {
			this.failures.damaged();
			log.warn("Dropped page {} of {} from the page cache on disk: {}", key.page(), key.userId(),
					damaged.getMessage());
			this.writer.queue(new DiskChange.Delete(key));
			return null;
		}
		if (page.fetchedAt().plus(this.retention).isBefore(this.clock.instant())) {
			return null;
		}
		this.writer.queue(new DiskChange.Touch(key));
		return page;
	}

	@Override
	public boolean isBeingFetched(PageKey key) {
		return false;
	}

	/** Runs the load here, uncontested, and queues the page it stores for the disk. */
	@Override
	public PageCache.Origin fetch(PageLoad load) {
		load.into().thenAccept((page) -> this.writer.queue(new DiskChange.Put(load.key(), page)));
		load.runLoader(FetchClaim.UNCONTESTED, load.into());
		return PageCache.Origin.LOADED;
	}

	/**
	 * Kept like Redis keeps it: only a refetched first page supersedes the others after a
	 * restart (in memory every supersession applies).
	 */
	@Override
	public void supersede(String userId, int exceptPage, Instant before) {
		if (exceptPage == 1) {
			this.writer.queue(new DiskChange.Supersede(userId, before.toEpochMilli()));
		}
	}

	@Override
	public void purge(String userId) {
		purgeAndWait(userId);
	}

	@Override
	public void purgeAll() {
		purgeAndWait(null);
	}

	private void purgeAndWait(@Nullable String userId) {
		this.writer.purgeAndWait(new DiskChange.Purge(userId, new CompletableFuture<>()), PURGE_WAIT);
	}

	/** Nobody else shares this level: the page cache applies its own invalidations. */
	@Override
	public void onInvalidation(Consumer<Invalidation> apply) {
	}

	private @Nullable DiskPageStore await() {
		try {
			return this.writer.opened().get(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException notOpen) {
			return null;
		}
	}

	/** Writes what is queued and closes the store. */
	@Override
	public void close() {
		this.writer.close();
	}

}
