package com.acme.keyapiproxy.cache.disk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.acme.keyapiproxy.cache.PageCache;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.PageLoad;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disk level on a real SQLite file in a directory of the test's own, without Spring:
 * a level closed and a new one opened on the same directory is a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiskSecondLevelTests {

	private static final Duration RETENTION = Duration.ofDays(7).plusHours(6);

	private static final long MAX_BYTES = 64L << 20;

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final List<DiskSecondLevel> opened = new ArrayList<>();

	@AfterEach
	void close() {
		this.opened.forEach(DiskSecondLevel::close);
	}

	@Test
	void aPageStoredBeforeAGracefulStopIsFoundAfterItByteForByte() {
		DiskSecondLevel before = level();
		Keyed stored = page("7288986759428588590", 1, this.clock.instant());
		load(before, stored);

		before.close();
		DiskSecondLevel after = level();

		StoredPage found = after.find(stored.key());
		assertThat(found).isNotNull();
		assertThat(found.body()).isEqualTo(stored.page().body());
		assertThat(found.etag()).isEqualTo(stored.page().etag());
		assertThat(found.fetchedAt()).isEqualTo(stored.page().fetchedAt());
		assertThat(found.items()).zipSatisfy(stored.page().items(), (one, other) -> assertThat(one).isEqualTo(other));
		assertThat(found.requestId()).isEqualTo(stored.page().requestId());
	}

	@Test
	void aPageIsOnDiskAboutAWriteIntervalAfterItWasStoredWithoutAStop() {
		DiskSecondLevel running = level();
		Keyed stored = page("7288986759428588590", 2, this.clock.instant());

		load(running, stored);

		DiskSecondLevel other = level();
		Eventually.until("the page is written", Duration.ofSeconds(2), () -> other.find(stored.key()) != null);
	}

	@Test
	void aDamagedRecordIsDroppedWithAWarningAndNeverServed(CapturedOutput output) throws Exception {
		DiskSecondLevel before = level();
		Keyed stored = page("42", 1, this.clock.instant());
		load(before, stored);
		before.close();
		try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("pages.db"));
				Statement damage = sqlite.createStatement()) {
			// One byte changed in the body, as a bad sector or a torn write would.
			damage.executeUpdate("UPDATE page SET record = substr(record, 1, 40) || x'00' || substr(record, 42)");
		}

		DiskSecondLevel after = level();

		assertThat(after.find(stored.key())).isNull();
		assertThat(output).contains("Dropped page 1 of 42 from the page cache on disk");
		assertThat(failures("damaged")).isEqualTo(1);
		load(after, page("43", 1, this.clock.instant()));
		Eventually.until("the damaged record is deleted", Duration.ofSeconds(3), () -> entries() == 1);
	}

	@Test
	void aPagePastItsStaleWindowIsNotFound() {
		DiskSecondLevel level = level();
		Keyed stored = page("42", 1, this.clock.instant());
		load(level, stored);
		Eventually.until("written", Duration.ofSeconds(2), () -> level.find(stored.key()) != null);

		this.clock.advance(RETENTION.plusSeconds(1));

		assertThat(level.find(stored.key())).isNull();
	}

	@Test
	void aSupersessionByARefetchedFirstPageOutlivesARestart() {
		DiskSecondLevel before = level();
		Keyed second = page("42", 2, this.clock.instant());
		Keyed third = page("43", 2, this.clock.instant());
		load(before, second);
		load(before, third);
		this.clock.advance(Duration.ofMinutes(5));

		before.supersede("42", 1, this.clock.instant());
		before.close();
		DiskSecondLevel after = level();

		assertThat(after.find(second.key()).superseded()).isTrue();
		assertThat(after.find(third.key()).superseded()).as("another influencer").isFalse();
	}

	@Test
	void aPurgeIsOnDiskWhenItReturns() {
		DiskSecondLevel level = level();
		Keyed purged = page("42", 1, this.clock.instant());
		Keyed kept = page("43", 1, this.clock.instant());
		load(level, purged);
		load(level, kept);

		level.purge("42");

		assertThat(level.find(purged.key())).isNull();
		assertThat(level.find(kept.key())).isNotNull();
		level.purgeAll();
		level.close();
		assertThat(level().find(kept.key())).as("after a restart too").isNull();
	}

	@Test
	void theLeastRecentlyUsedPagesAreDroppedToKeepWithinTheBound() {
		long bound = 2L << 20;
		DiskSecondLevel level = level(this.directory, bound);
		Keyed first = page("first", 1, this.clock.instant(), 40_000);
		load(level, first);
		Eventually.until("written", Duration.ofSeconds(2), () -> level.find(first.key()) != null);
		List<Keyed> later = new ArrayList<>();
		for (int i = 0; i < 120; i++) {
			Keyed page = page("later-" + i, 1, this.clock.instant(), 40_000);
			later.add(page);
			load(level, page);
			if (i % 20 == 0) {
				level.find(first.key()); // used: among the last to go
			}
		}

		// Watched in the file itself: a find would count as a use.
		Eventually.until("every page is written and the store is back within its bound", Duration.ofSeconds(5),
				() -> onDisk(later.get(119)) && !onDisk(later.get(0)) && bytes() > 0 && bytes() <= bound);
		assertThat(level.find(first.key())).as("used recently").isNotNull();
	}

	@Test
	void aStoreThatIsFullLosesTheWriteCountsItAndWorksOn(CapturedOutput output) {
		// 1 MB allowed, so writes past about 17 MB fail as a full disk would.
		DiskSecondLevel level = level(this.directory, 1L << 20);
		Keyed probe = page("probe", 1, this.clock.instant());
		load(level, probe);
		Eventually.until("open and written", Duration.ofSeconds(2), () -> level.find(probe.key()) != null);
		for (int i = 0; i < 600; i++) {
			load(level, page("flood-" + i, 1, this.clock.instant(), 50_000));
		}

		Eventually.until("the full store is counted", Duration.ofSeconds(5), () -> failures("write") >= 1);
		assertThat(output).contains("Could not write").contains("the pages stay in memory only");
		Keyed after = page("after", 1, this.clock.instant());
		load(level, after);
		Eventually.until("a later page is written", Duration.ofSeconds(5), () -> level.find(after.key()) != null);
	}

	@Test
	void aDirectoryThatCannotBeCreatedLeavesTheCacheInMemoryOnly(CapturedOutput output) throws Exception {
		Path notADirectory = Files.writeString(this.directory.resolve("a-file"), "x");
		DiskSecondLevel level = level(notADirectory.resolve("pages"), MAX_BYTES);
		Keyed page = page("42", 1, this.clock.instant());

		PageCache.Origin origin = load(level, page);

		assertThat(origin).as("the load runs all the same").isEqualTo(PageCache.Origin.LOADED);
		assertThat(level.find(page.key())).isNull();
		assertThat(failures("open")).isEqualTo(1);
		assertThat(output).contains("Cannot keep cached pages on disk");
	}

	private PageCache.Origin load(DiskSecondLevel level, Keyed stored) {
		CompletableFuture<StoredPage> into = new CompletableFuture<>();
		return level.fetch(new PageLoad(stored.key(), (page) -> false, null, null,
				(replaced, claim) -> CompletableFuture.completedFuture(stored.page()), into));
	}

	private DiskSecondLevel level() {
		return level(this.directory, MAX_BYTES);
	}

	private DiskSecondLevel level(Path where, long maxBytes) {
		DiskSecondLevel level = new DiskSecondLevel(where, maxBytes, RETENTION, this.clock, this.meters);
		this.opened.add(level);
		return level;
	}

	private double failures(String operation) {
		return this.meters.get("keyapi.proxy.cache.disk.failures").tag("operation", operation).counter().count();
	}

	private double bytes() {
		return this.meters.get("keyapi.proxy.cache.disk").gauge().value();
	}

	private boolean onDisk(Keyed page) {
		try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("pages.db"));
				PreparedStatement select = sqlite
					.prepareStatement("SELECT count(*) FROM page WHERE user_id = ? AND page = ?")) {
			select.setString(1, page.key().userId());
			select.setInt(2, page.key().page());
			try (ResultSet count = select.executeQuery()) {
				return count.next() && count.getInt(1) == 1;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private double entries() {
		return this.meters.get("keyapi.proxy.cache.disk.entries").gauge().value();
	}

	private static Keyed page(String userId, int page, Instant fetchedAt) {
		return page(userId, page, fetchedAt, 2_000);
	}

	private static Keyed page(String userId, int page, Instant fetchedAt, int bodyBytes) {
		byte[] item = ("{\"room_id\":\"" + userId + "-" + page + "\"}").getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[bodyBytes];
		new Random(userId.hashCode() * 31L + page).nextBytes(body);
		return new Keyed(new PageKey(userId, page), new StoredPage(List.of(item, item), "req-" + page, fetchedAt, body,
				"\"" + Integer.toHexString(Arrays.hashCode(body)) + "\"", false));
	}

	/** A page and the key it is stored under. */
	private record Keyed(PageKey key, StoredPage page) {
	}

}
