package com.acme.keyapiproxy.cache.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.cache.PageKey;

/**
 * The pages on disk: one SQLite file in WAL mode with {@code synchronous=NORMAL}, so a
 * commit is an append to the log, synced at checkpoints: it survives a {@code kill -9} (a
 * power cut may lose the last commits, never the file). Chosen by measuring
 * (bench/disk-stores/RESULTS.md): cheap recency upkeep and eviction, a size limit it
 * recovers from in place, little memory.
 * <p>
 * One row per page: its record, when it was fetched, and a use counter for recency;
 * supersessions are kept per influencer. Reads come from a small pool of connections, on
 * any thread; {@link #apply} and the maintenance are for one writer thread only.
 */
final class DiskPageStore implements AutoCloseable {

	/** Readers at once: hits from disk take microseconds, so a few are plenty. */
	private static final int READERS = 4;

	private static final String SCHEMA = """
			CREATE TABLE IF NOT EXISTS page(
			  user_id TEXT NOT NULL, page INTEGER NOT NULL, fetched_at INTEGER NOT NULL,
			  last_used INTEGER NOT NULL, record BLOB NOT NULL, PRIMARY KEY (user_id, page));
			CREATE INDEX IF NOT EXISTS page_by_use ON page(last_used);
			CREATE TABLE IF NOT EXISTS supersession(user_id TEXT PRIMARY KEY, before INTEGER NOT NULL);
			""";

	private final String url;

	/**
	 * The hard stop in bytes ({@code max_page_count}): the bound and some slack, so a
	 * batch written before eviction runs fits.
	 */
	private final long hardLimitBytes;

	private final HikariDataSource readers;

	private Connection writer;

	/** The last use counter given (writer thread): resumes from the file's highest. */
	private long uses;

	private DiskPageStore(String url, long hardLimitBytes) throws SQLException {
		this.url = url;
		this.hardLimitBytes = hardLimitBytes;
		this.writer = openWriter();
		try (Statement statement = this.writer.createStatement()) {
			for (String ddl : SCHEMA.split(";")) {
				if (!ddl.isBlank()) {
					statement.execute(ddl);
				}
			}
			this.writer.commit();
			this.uses = single(statement, "SELECT coalesce(max(last_used), 0) FROM page");
		}
		HikariConfig pool = new HikariConfig();
		pool.setPoolName("page-disk");
		pool.setJdbcUrl(url);
		pool.setMaximumPoolSize(READERS);
		pool.setMinimumIdle(1);
		this.readers = new HikariDataSource(pool);
	}

	/**
	 * Opens (or creates) the store in {@code directory}.
	 * @param hardLimitBytes no write makes the file larger than this: it fails with
	 * {@code SQLITE_FULL}, and the store stays usable
	 */
	static DiskPageStore open(Path directory, long hardLimitBytes) throws SQLException {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + directory, ex);
		}
		return new DiskPageStore("jdbc:sqlite:" + directory.resolve("pages.db"), hardLimitBytes);
	}

	private Connection openWriter() throws SQLException {
		Connection connection = DriverManager.getConnection(this.url);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA synchronous=NORMAL");
			statement.execute("PRAGMA busy_timeout=5000");
			long pageSize = single(statement, "PRAGMA page_size");
			statement.execute("PRAGMA max_page_count=" + Math.max(16, this.hardLimitBytes / pageSize));
		}
		connection.setAutoCommit(false);
		return connection;
	}

	/**
	 * The record kept for the page and whether a refetched first page of its influencer
	 * superseded it, in one query; {@code null} when none is kept. Any thread.
	 */
	@Nullable Kept read(PageKey key) throws SQLException {
		try (Connection connection = this.readers.getConnection();
				PreparedStatement select = connection.prepareStatement("""
						SELECT page.record, page.page <> 1 AND page.fetched_at < coalesce(supersession.before, 0)
						FROM page LEFT JOIN supersession ON supersession.user_id = page.user_id
						WHERE page.user_id = ? AND page.page = ?""")) {
			select.setString(1, key.userId());
			select.setInt(2, key.page());
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? new Kept(row.getBytes(1), row.getBoolean(2)) : null;
			}
		}
	}

	/** Writes the changes in one transaction: all or none. Writer thread only. */
	void apply(List<DiskChange> changes) throws SQLException {
		try {
			for (DiskChange change : changes) {
				change.applyTo(this);
			}
			this.writer.commit();
		}
		catch (SQLException | RuntimeException failed) {
			// SQLite has rolled back a failed statement's transaction already, which
			// leaves
			// the driver's connection unusable: start over on a new one.
			reopenWriter();
			throw failed;
		}
	}

	void put(PageKey key, long fetchedAtMillis, byte[] record) throws SQLException {
		try (PreparedStatement insert = this.writer.prepareStatement("""
				INSERT INTO page(user_id, page, fetched_at, last_used, record) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id, page) DO UPDATE SET fetched_at = excluded.fetched_at,
				  last_used = excluded.last_used, record = excluded.record
				WHERE excluded.fetched_at >= page.fetched_at""")) {
			insert.setString(1, key.userId());
			insert.setInt(2, key.page());
			insert.setLong(3, fetchedAtMillis);
			insert.setLong(4, ++this.uses);
			insert.setBytes(5, record);
			insert.executeUpdate();
		}
	}

	void touch(PageKey key) throws SQLException {
		try (PreparedStatement update = this.writer
			.prepareStatement("UPDATE page SET last_used = ? WHERE user_id = ? AND page = ?")) {
			update.setLong(1, ++this.uses);
			update.setString(2, key.userId());
			update.setInt(3, key.page());
			update.executeUpdate();
		}
	}

	void supersede(String userId, long beforeMillis) throws SQLException {
		try (PreparedStatement upsert = this.writer.prepareStatement("""
				INSERT INTO supersession(user_id, before) VALUES (?, ?)
				ON CONFLICT (user_id) DO UPDATE SET before = max(before, excluded.before)""")) {
			upsert.setString(1, userId);
			upsert.setLong(2, beforeMillis);
			upsert.executeUpdate();
		}
	}

	void delete(PageKey key) throws SQLException {
		try (PreparedStatement delete = this.writer
			.prepareStatement("DELETE FROM page WHERE user_id = ? AND page = ?")) {
			delete.setString(1, key.userId());
			delete.setInt(2, key.page());
			delete.executeUpdate();
		}
	}

	void purge(String userId) throws SQLException {
		for (String table : List.of("page", "supersession")) {
			try (PreparedStatement delete = this.writer
				.prepareStatement("DELETE FROM " + table + " WHERE user_id = ?")) {
				delete.setString(1, userId);
				delete.executeUpdate();
			}
		}
	}

	void purgeAll() throws SQLException {
		try (Statement statement = this.writer.createStatement()) {
			statement.executeUpdate("DELETE FROM page");
			statement.executeUpdate("DELETE FROM supersession");
		}
	}

	/**
	 * Drops the least recently used pages, a batch at a time, until the pages in use take
	 * at most {@code bytes}. Writer thread only.
	 * @return how many pages were dropped
	 */
	int evictUntilAtMost(long bytes) throws SQLException {
		int dropped = 0;
		try (PreparedStatement evict = this.writer
			.prepareStatement("DELETE FROM page WHERE rowid IN (SELECT rowid FROM page ORDER BY last_used LIMIT ?)")) {
			long used = usedBytes();
			while (used > bytes) {
				long pages = entries();
				if (pages == 0) {
					break;
				}
				// As many pages as the excess holds, at their average size; again if
				// those were smaller.
				long average = Math.max(1, used / pages);
				evict.setLong(1, Math.max(1, (used - bytes + average - 1) / average));
				dropped += evict.executeUpdate();
				this.writer.commit();
				used = usedBytes();
			}
		}
		return dropped;
	}

	/** Drops pages fetched before this (past their stale window). Writer thread only. */
	int dropFetchedBefore(long fetchedAtMillis) throws SQLException {
		try (PreparedStatement delete = this.writer.prepareStatement("DELETE FROM page WHERE fetched_at < ?")) {
			delete.setLong(1, fetchedAtMillis);
			int dropped = delete.executeUpdate();
			this.writer.commit();
			return dropped;
		}
	}

	/**
	 * Bytes of the file in use (its pages less the free ones; the write-ahead log not
	 * counted). Writer thread only.
	 */
	long usedBytes() throws SQLException {
		try (Statement statement = this.writer.createStatement()) {
			return (single(statement, "PRAGMA page_count") - single(statement, "PRAGMA freelist_count"))
					* single(statement, "PRAGMA page_size");
		}
	}

	/** Pages kept. Writer thread only. */
	long entries() throws SQLException {
		try (Statement statement = this.writer.createStatement()) {
			return single(statement, "SELECT count(*) FROM page");
		}
	}

	private void reopenWriter() {
		try {
			this.writer.close();
		}
		catch (SQLException ignored) {
			// It is being replaced.
		}
		try {
			this.writer = openWriter();
		}
		catch (SQLException stillFailing) {
			// The next write tries again (and fails, and is counted, until it works).
		}
	}

	private static long single(Statement statement, String query) throws SQLException {
		try (ResultSet row = statement.executeQuery(query)) {
			row.next();
			return row.getLong(1);
		}
	}

	@Override
	public void close() throws SQLException {
		this.readers.close();
		this.writer.close();
	}

	/** A page's record as kept, and whether it was superseded since it was fetched. */
	record Kept(byte[] record, boolean superseded) {
	}

}
