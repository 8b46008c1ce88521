package bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * SQLite (xerial sqlite-jdbc) in WAL mode with synchronous=NORMAL: a commit is a WAL append, fsynced only at
 * checkpoints, so it survives kill -9 and may lose the last commits on a power cut, never the file.
 * Recency is a last_used column with an index; the byte bound is pages in use, read from the file header.
 */
final class SqliteStore implements Store {
  private final String url;
  private final long limitBytes;
  private final Connection reader; // autocommit, so no read transaction pins the WAL; the proxy would pool a few
  private final PreparedStatement get;
  private final Ticks ticks;
  private Connection writer;
  private PreparedStatement put;
  private PreparedStatement touch;
  private PreparedStatement evict;

  SqliteStore(Path dir, long limitBytes) throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("cache.db");
    this.limitBytes = limitBytes;
    openWriter();
    try (Statement s = writer.createStatement()) {
      ticks = new Ticks(longQuery(s, "SELECT coalesce(max(last_used), 0) FROM page"));
    }
    reader = DriverManager.getConnection(url);
    get = reader.prepareStatement("SELECT record FROM page WHERE key = ?");
  }

  private void openWriter() throws SQLException {
    writer = DriverManager.getConnection(url);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL"); // stored in the file
      s.execute("PRAGMA synchronous=NORMAL"); // per connection
      s.execute("CREATE TABLE IF NOT EXISTS page("
          + "key TEXT PRIMARY KEY, last_used INTEGER NOT NULL, record BLOB NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS page_last_used ON page(last_used)");
      if (limitBytes > 0) {
        s.execute("PRAGMA max_page_count=" + limitBytes / 4096); // per connection; default page size 4096
      }
    }
    writer.setAutoCommit(false);
    put = writer.prepareStatement("INSERT INTO page(key, last_used, record) VALUES(?, ?, ?) "
        + "ON CONFLICT(key) DO UPDATE SET last_used = excluded.last_used, record = excluded.record");
    touch = writer.prepareStatement("UPDATE page SET last_used = ? WHERE key = ?");
    evict = writer.prepareStatement(
        "DELETE FROM page WHERE rowid IN (SELECT rowid FROM page ORDER BY last_used LIMIT ?)");
  }

  @Override
  public void put(String key, byte[] record) throws SQLException {
    put.setString(1, key);
    put.setLong(2, ticks.next());
    put.setBytes(3, record);
    put.executeUpdate();
  }

  @Override
  public void commit() throws SQLException {
    writer.commit();
  }

  /**
   * After SQLITE_FULL SQLite has already rolled the transaction back, so the driver's own rollback fails and
   * leaves the connection unusable: a new writer connection is the reliable way back (the reader is unaffected).
   */
  @Override
  public void rollback() throws SQLException {
    try {
      writer.close();
    } finally {
      openWriter();
    }
  }

  @Override
  public byte[] get(String key) throws SQLException {
    get.setString(1, key);
    try (ResultSet rs = get.executeQuery()) {
      return rs.next() ? rs.getBytes(1) : null;
    }
  }

  @Override
  public void touch(List<String> keys) throws SQLException {
    for (String key : keys) {
      touch.setLong(1, ticks.next());
      touch.setString(2, key);
      touch.addBatch();
    }
    touch.executeBatch();
    writer.commit();
  }

  @Override
  public int evictOldest(int n) throws SQLException {
    evict.setInt(1, n);
    int deleted = evict.executeUpdate();
    writer.commit();
    return deleted;
  }

  /** Pages in use (freed pages are reused, so the file stops growing there); two header reads, O(1). */
  @Override
  public long usedBytes() throws SQLException {
    try (Statement s = writer.createStatement()) {
      return (longQuery(s, "PRAGMA page_count") - longQuery(s, "PRAGMA freelist_count"))
          * longQuery(s, "PRAGMA page_size");
    }
  }

  @Override
  public void close() throws SQLException {
    Connection w = writer;
    try (reader; w) { // the last connection out checkpoints the WAL into the file and deletes it
      w.commit();
    }
  }

  private static long longQuery(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
