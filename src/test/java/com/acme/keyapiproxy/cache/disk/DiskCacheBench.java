package com.acme.keyapiproxy.cache.disk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.PageLoad;
import com.acme.keyapiproxy.cache.StoredPage;

/**
 * The disk level measured, for bench/disk-cache-start.sh (not a test):
 * <ul>
 * <li>{@code fill <directory> <pages> <first user id>}: writes that many pages into
 * {@code <directory>/pages.db} with the proxy's own store and record encoding
 * ({@link DiskPageStore}, {@link PageRecord}), each a KeyAPI page of ten items (about 5.6
 * KB of answer, printed) of influencer {@code first user id + i}, fetched now: what a
 * proxy that had fetched them would have left.</li>
 * <li>{@code open <directory> <pages> <first user id>}: the disk level's part of a start,
 * to its first lookup (of a page there, when there are pages).</li>
 * <li>{@code write-rate <directory> <pages>}: stores pages through
 * {@link DiskSecondLevel} as the page cache does after each load, first at 1,000 a second
 * for 10 s (does the writer keep up with a page cache storing 1,000 pages a second?),
 * then as fast as the writer takes them (at most 10,000 queued, below its queue's bound),
 * and prints when each was on disk, read from the file by another connection.</li>
 * </ul>
 */
public final class DiskCacheBench {

	private static final Duration RETENTION = Duration.ofDays(7).plusHours(6);

	private static final long MAX_BYTES = 2L << 30;

	private static final int CHUNK = 5_000;

	private DiskCacheBench() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[1]);
		int pages = Integer.parseInt(args[2]);
		switch (args[0]) {
			case "fill" -> fill(directory, pages, Long.parseLong(args[3]));
			case "open" -> open(directory, pages, Long.parseLong(args[3]));
			case "write-rate" -> writeRate(directory, pages);
			default -> throw new IllegalArgumentException("fill, open or write-rate, not " + args[0]);
		}
	}

	/**
	 * The disk level's part of a start: from making it to the first lookup answered,
	 * which waits for the store to open (in a fresh JVM: SQLite's native library loaded
	 * too), then the same again in this JVM.
	 */
	private static void open(Path directory, int pages, long firstUserId) {
		PageKey key = new PageKey(Long.toString(firstUserId + pages / 2), 1);
		long[] millis = new long[2];
		for (int i = 0; i < 2; i++) {
			long started = System.nanoTime();
			try (DiskSecondLevel level = new DiskSecondLevel(directory, MAX_BYTES, RETENTION, Clock.systemUTC(),
					new SimpleMeterRegistry())) {
				StoredPage found = level.find(key);
				millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				if ((found != null) != (pages > 0)) {
					throw new IllegalStateException("page " + key + (found != null ? " found" : " not found"));
				}
			}
		}
		System.out.printf("open %d pages: first lookup answered %d ms after the level was made (a fresh JVM), "
				+ "%d ms the second time in it%n", pages, millis[0], millis[1]);
	}

	private static void fill(Path directory, int pages, long firstUserId) throws SQLException {
		long started = System.nanoTime();
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		try (DiskPageStore store = DiskPageStore.open(directory, MAX_BYTES + (MAX_BYTES / 10))) {
			List<DiskChange> batch = new ArrayList<>();
			for (int i = 0; i < pages; i++) {
				String userId = Long.toString(firstUserId + i);
				batch.add(new DiskChange.Put(new PageKey(userId, 1), page(userId, i, now)));
				if (batch.size() == 2_000 || i == pages - 1) {
					store.apply(batch);
					batch.clear();
				}
			}
			System.out.printf("filled %d pages (answers of %d bytes) in %d ms: %d entries, %.1f MB used%n", pages,
					page("0", 0, now).body().length, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
					store.entries(), store.usedBytes() / 1e6);
		}
	}

	private static void writeRate(Path directory, int pages) throws Exception {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (DiskSecondLevel level = new DiskSecondLevel(directory, MAX_BYTES, RETENTION, Clock.systemUTC(), meters);
				Connection reader = reader(directory)) {
			// Opened: the first lookup waits for the store.
			level.find(new PageKey("0", 1));
			Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

			int paced = 10_000;
			long started = System.nanoTime();
			for (int i = 0; i < paced; i++) {
				LockSupport.parkNanos(started + i * 1_000_000L - System.nanoTime());
				store(level, i, now);
			}
			long offered = System.nanoTime();
			awaitOnDisk(reader, paced - 1);
			long written = System.nanoTime();
			System.out.printf(
					"write-rate at 1000/s: %d pages offered over %d ms; the last on disk %d ms after it was offered%n",
					paced, TimeUnit.NANOSECONDS.toMillis(offered - started),
					TimeUnit.NANOSECONDS.toMillis(written - offered));

			started = System.nanoTime();
			for (int from = paced; from < paced + pages; from += CHUNK) {
				if (from - CHUNK >= paced) {
					awaitOnDisk(reader, from - CHUNK - 1);
				}
				for (int i = from; i < Math.min(from + CHUNK, paced + pages); i++) {
					store(level, i, now);
				}
			}
			awaitOnDisk(reader, paced + pages - 1);
			long elapsed = System.nanoTime() - started;
			System.out.printf("write-rate flat out: %d pages on disk in %d ms: %.0f pages/s, %.1f MB/s of records%n",
					pages, TimeUnit.NANOSECONDS.toMillis(elapsed), pages / (elapsed / 1e9),
					pages * (double) PageRecord.encode(page("0", 0, now)).length / (elapsed / 1e3));
			System.out.printf("write-rate: %d entries on disk, file %.1f MB, failed writes %.0f%n", count(reader),
					Files.size(directory.resolve("pages.db")) / 1e6,
					meters.get("keyapi.proxy.cache.disk.failures").tag("operation", "write").counter().count());
		}
	}

	private static void store(DiskSecondLevel level, int i, Instant fetchedAt) {
		String userId = Long.toString(9_000_000_000L + i);
		StoredPage page = page(userId, i, fetchedAt);
		level.fetch(new PageLoad(new PageKey(userId, 1), (stored) -> false, null, null,
				(replaced, claim) -> CompletableFuture.completedFuture(page), new CompletableFuture<>()));
	}

	/**
	 * Waits until the {@code i}-th page stored is on disk: the writer keeps their order.
	 */
	private static void awaitOnDisk(Connection reader, int i) throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		try (PreparedStatement select = reader.prepareStatement("SELECT 1 FROM page WHERE user_id = ? AND page = 1")) {
			select.setString(1, Long.toString(9_000_000_000L + i));
			while (true) {
				try (ResultSet row = select.executeQuery()) {
					if (row.next()) {
						return;
					}
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("page " + i + " not on disk within 5 minutes");
				}
				Thread.sleep(5);
			}
		}
	}

	private static long count(Connection reader) throws SQLException {
		try (PreparedStatement select = reader.prepareStatement("SELECT count(*) FROM page");
				ResultSet row = select.executeQuery()) {
			row.next();
			return row.getLong(1);
		}
	}

	private static Connection reader(Path directory) throws Exception {
		Files.createDirectories(directory);
		Connection reader = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("pages.db"));
		try (var statement = reader.createStatement()) {
			statement.execute("PRAGMA busy_timeout=5000");
		}
		return reader;
	}

	/**
	 * A KeyAPI page of ten livestreams and the proxy's answer for it, shaped as the proxy
	 * renders it.
	 */
	private static StoredPage page(String userId, int n, Instant fetchedAt) {
		List<byte[]> items = new ArrayList<>();
		StringBuilder body = new StringBuilder("{\"user_id\":\"").append(userId)
			.append("\",\"page\":1,\"size\":10,\"items\":[");
		for (int i = 0; i < 10; i++) {
			String item = "{\"room_id\":\"73215097719104" + String.format("%05d", (n * 10 + i) % 100_000)
					+ "\",\"create_time\":1704672004,\"finish_time\":1704683100,\"duration\":11096,"
					+ "\"title\":\"Weekend live: new arrivals, Q&A and a giveaway for everyone watching\","
					+ "\"total_sale_gmv_amt\":2627.73,\"total_sale_cnt\":118,\"avg_price\":22.27,"
					+ "\"watch_cnt\":48210,\"max_online_cnt\":1312,\"avg_online_cnt\":402,\"like_cnt\":90321,"
					+ "\"comment_cnt\":5120,\"share_cnt\":344,\"new_fans_cnt\":512,\"product_cnt\":36,"
					+ "\"cover_url\":\"https://p16-sign.tiktokcdn-us.com/obj/tos-useast5-p-0068-tx/" + userId + "-" + i
					+ ".jpeg\"}";
			items.add(item.getBytes(StandardCharsets.UTF_8));
			body.append((i > 0) ? "," : "").append(item);
		}
		body.append("],\"has_more\":true,\"fetched_at\":\"")
			.append(fetchedAt.toString())
			.append("\",\"upstream_request_id\":\"ec8e5830-2766-4199-a054-f5e5b8708b91\"}");
		byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
		return new StoredPage(items, "ec8e5830-2766-4199-a054-f5e5b8708b91", fetchedAt, bytes, etag(bytes), false);
	}

	private static String etag(byte[] body) {
		try {
			return "\"" + Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
