package bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The few calls a disk cache level needs from an embedded store. One writer thread calls put, commit, touch and
 * evictOldest; get may come from any thread (the bench uses one). A record is opaque bytes: the cache would put
 * fetched_at and its own checksum in a header (Data.record does the first).
 *
 * Recency: each store keeps a monotonic tick per key (last put or touch) and an index ordered by tick, so
 * "drop the least recently used" is a walk from the oldest end of that index. Size: see usedBytes.
 */
interface Store extends AutoCloseable {

  /** Buffered until commit (RocksDB: durable against kill -9 when it returns). */
  void put(String key, byte[] record) throws Exception;

  /** After this returns, every put so far survives kill -9 of the JVM (not a power cut: nothing here fsyncs per commit). */
  void commit() throws Exception;

  /** Drops the puts since the last commit: the call to make after a put or commit failed. */
  void rollback() throws Exception;

  /** Point lookup, null when absent. */
  byte[] get(String key) throws Exception;

  /** Marks keys as just used, as the cache would in batches collected from the request path; commits. */
  void touch(List<String> keys) throws Exception;

  /** Deletes the n least recently used records and commits; returns how many were deleted. */
  int evictOldest(int n) throws Exception;

  /** The number the byte bound is checked against: SQLite pages in use, the others the sum of record lengths. */
  long usedBytes() throws Exception;

  @Override
  void close() throws Exception;

  /** -DlimitBytes=N asks the store for its own size limit where it has one (SQLite, RocksDB). */
  static Store open(String name, Path dir) throws Exception {
    long limit = Long.getLong("limitBytes", 0);
    return switch (name) {
      case "sqlite" -> new SqliteStore(dir, limit);
      case "mvstore" -> new MvStoreStore(dir);
      case "rocksdb" -> new RocksStore(dir, limit);
      default -> throw new IllegalArgumentException("store: sqlite | mvstore | rocksdb, not " + name);
    };
  }

  /** A counter, one step per put or touch; a restart continues after the newest tick stored. Fits in 40 bits. */
  final class Ticks {
    private long last;

    Ticks(long newestStored) {
      last = newestStored;
    }

    long next() {
      return ++last;
    }
  }
}
