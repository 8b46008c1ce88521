package com.acme.keyapiproxy.cache.disk;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Opens the pages on disk, then writes the changes to them on a thread of its own, in one
 * transaction per {@link #EVERY}, in the order they were queued, so no request waits for
 * the disk and a page stored is on disk about that long after. Changes queued before the
 * store is open wait for it; a store that cannot be opened drops them. Keeps the store
 * within its bound (least recently used pages dropped first) and drops pages past their
 * stale window. A write that fails (a full or unwritable disk) is logged, counted, and
 * lost: the pages stay in memory, the proxy works on. Closing writes what is queued.
 */
final class DiskWriter implements AutoCloseable {

	static final Duration EVERY = Duration.ofMillis(100);

	/** Changes written in one transaction at most. */
	private static final int BATCH = 2_000;

	/**
	 * Changes waiting at most (pages in memory anyway): a disk that cannot keep up loses
	 * the newest writes, not the heap.
	 */
	private static final int MOST_QUEUED = 20_000;

	private static final Duration COUNT_EVERY = Duration.ofSeconds(1);

	private static final Duration EXPIRE_EVERY = Duration.ofMinutes(10);

	private static final Duration WARN_AT_MOST_EVERY = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(DiskWriter.class);

	private final BlockingQueue<DiskChange> queue = new LinkedBlockingQueue<>(MOST_QUEUED);

	private final CompletableFuture<DiskPageStore> opened = new CompletableFuture<>();

	/** Writer thread only, once open. */
	private @Nullable DiskPageStore store;

	private final long maxBytes;

	private final Duration retention;

	private final Clock clock;

	private final DiskFailures failures;

	private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread writer = new Thread(task, "page-disk-writer");
		writer.setDaemon(true);
		return writer;
	});

	private volatile long bytes;

	private volatile long entries;

	/** Writer thread only: when the counts and the expiry last ran ({@code nanoTime}). */
	private long countedAt;

	private long expiredAt;

	private long warnedAt;

	private boolean failing;

	/**
	 * Opens the store on the writer thread (so a start does not wait for it), then writes
	 * every {@link #EVERY}.
	 */
	DiskWriter(Path directory, long maxBytes, Duration retention, Clock clock, DiskFailures failures) {
		this.maxBytes = maxBytes;
		this.retention = retention;
		this.clock = clock;
		this.failures = failures;
		long now = System.nanoTime();
		this.countedAt = now - COUNT_EVERY.toNanos();
		this.expiredAt = now;
		this.thread.execute(() -> open(directory));
		this.thread.scheduleWithFixedDelay(this::writeQueued, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void open(Path directory) {
		try {
			// The hard stop leaves room for a batch written before eviction runs.
			this.store = DiskPageStore.open(directory, this.maxBytes + Math.max(this.maxBytes / 10, 16L << 20));
			log.info("Keeping cached pages on disk in {} (at most {} MB)", directory, this.maxBytes >> 20);
			this.opened.complete(this.store);
		}
		catch (SQLException | RuntimeException failed) {
			this.failures.open();
			log.error(
					"Cannot keep cached pages on disk in {} ({}); they are kept in memory only, and lost on a restart",
					directory, failed.getMessage());
			this.opened.completeExceptionally(failed);
		}
	}

	/** The store, for reading, once it is open; fails when it cannot be. */
	CompletableFuture<DiskPageStore> opened() {
		return this.opened;
	}

	/** Queues the change; a full queue loses it (counted as a failed write). */
	void queue(DiskChange change) {
		if (!this.queue.offer(change)) {
			this.failures.write();
		}
	}

	/** Queues a purge and waits until it is on disk. */
	void purgeAndWait(DiskChange.Purge purge, Duration patience) {
		try {
			this.queue.put(purge);
			purge.done().get(patience.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while purging the pages kept on disk", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not purge the pages kept on disk: " + ex.getMessage(), ex);
		}
	}

	long bytes() {
		return this.bytes;
	}

	long entries() {
		return this.entries;
	}

	private void writeQueued() {
		DiskPageStore open = this.store;
		try {
			List<DiskChange> batch = new ArrayList<>();
			while (this.queue.drainTo(batch, BATCH) > 0) {
				if (open != null) {
					write(open, batch);
				}
				else {
					// Not open, and never will be: nothing on disk to change.
					complete(batch, null);
				}
				batch.clear();
			}
			if (open != null) {
				keepWithinBounds(open);
			}
		}
		catch (RuntimeException unexpected) {
			log.error("The page cache's disk writer failed; it goes on", unexpected);
		}
	}

	private void write(DiskPageStore open, List<DiskChange> batch) {
		try {
			open.apply(batch);
			this.failing = false;
			complete(batch, null);
		}
		catch (SQLException failed) {
			complete(batch, failed);
			failed(open, batch.size(), failed);
		}
	}

	private void failed(DiskPageStore open, int changes, SQLException failure) {
		this.failures.write();
		long now = System.nanoTime();
		if (!this.failing || now - this.warnedAt > WARN_AT_MOST_EVERY.toNanos()) {
			this.failing = true;
			this.warnedAt = now;
			log.warn("Could not write {} changes to the page cache on disk ({}); the pages stay in memory only",
					changes, failure.getMessage());
		}
		if (failure instanceof SQLiteException sqlite && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL) {
			// The disk (or the store's hard limit) is full: make room, below what fitted.
			try {
				open.evictUntilAtMost(Math.min(this.maxBytes, open.usedBytes()) * 9 / 10);
			}
			catch (SQLException stillFull) {
				// Counted already; the next batch tries again.
			}
		}
	}

	private static void complete(List<DiskChange> batch, @Nullable SQLException failure) {
		for (DiskChange change : batch) {
			if (change instanceof DiskChange.Purge purge) {
				if (failure != null) {
					purge.done().completeExceptionally(failure);
				}
				else {
					purge.done().complete(null);
				}
			}
		}
	}

	private void keepWithinBounds(DiskPageStore open) {
		long now = System.nanoTime();
		try {
			if (now - this.expiredAt > EXPIRE_EVERY.toNanos()) {
				this.expiredAt = now;
				open.dropFetchedBefore(this.clock.millis() - this.retention.toMillis());
			}
			if (now - this.countedAt >= COUNT_EVERY.toNanos()) {
				this.countedAt = now;
				long used = open.usedBytes();
				if (used > this.maxBytes) {
					open.evictUntilAtMost(this.maxBytes * 9 / 10);
					used = open.usedBytes();
				}
				this.bytes = used;
				this.entries = open.entries();
			}
		}
		catch (SQLException failed) {
			failed(open, 0, failed);
		}
	}

	/** Writes what is queued, then closes the store. */
	@Override
	public void close() {
		this.thread.shutdown();
		try {
			if (!this.thread.awaitTermination(10, TimeUnit.SECONDS)) {
				log.warn("The page cache's disk writer did not stop within 10s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		writeQueued();
		DiskPageStore open = this.store;
		if (open == null) {
			return;
		}
		try {
			open.close();
		}
		catch (SQLException ex) {
			log.warn("Could not close the page cache on disk: {}", ex.getMessage());
		}
	}

}
