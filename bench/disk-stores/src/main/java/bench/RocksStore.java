package bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileManager;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB (rocksdbjni, linux64 classifier) with default options (Snappy block compression, 64 MB memtables),
 * plus a flush at close. Every write is a WAL append (no fsync), so a put is durable against kill -9 when it
 * returns and commit() has nothing left to do. Column families as the
 * MVStore maps: pages, meta (key -> tick << 24 | length, and "" -> total bytes), lru (big-endian tick -> key).
 * Deletes are tombstones; space comes back when compaction rewrites the files.
 */
final class RocksStore implements Store {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] TOTAL = new byte[0]; // page keys are never empty
  private static final long LENGTH_MASK = (1L << 24) - 1;

  private final DBOptions options;
  private final SstFileManager files;
  private final WriteOptions writeOptions = new WriteOptions(); // sync=false, WAL on
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;
  private final ColumnFamilyHandle pages;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle lru;
  private final Ticks ticks;
  private long total;

  RocksStore(Path dir, long limitBytes) throws RocksDBException {
    files = new SstFileManager(Env.getDefault());
    if (limitBytes > 0) {
      files.setMaxAllowedSpaceUsage(limitBytes); // SST files only; the WAL is not counted
    }
    options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setSstFileManager(files);
    List<ColumnFamilyDescriptor> families = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
        new ColumnFamilyDescriptor(bytes("meta")),
        new ColumnFamilyDescriptor(bytes("lru")));
    db = RocksDB.open(options, dir.toString(), families, handles);
    pages = handles.get(0);
    meta = handles.get(1);
    lru = handles.get(2);
    try (RocksIterator it = db.newIterator(lru)) {
      it.seekToLast();
      ticks = new Ticks(it.isValid() ? ByteBuffer.wrap(it.key()).getLong() : 0);
    }
    byte[] stored = db.get(meta, TOTAL);
    total = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
  }

  @Override
  public void put(String key, byte[] record) throws RocksDBException {
    byte[] k = bytes(key);
    long tick = ticks.next();
    try (WriteBatch batch = new WriteBatch()) {
      byte[] old = db.get(meta, k);
      if (old != null) {
        long m = ByteBuffer.wrap(old).getLong();
        batch.delete(lru, longBytes(m >>> 24));
        total -= m & LENGTH_MASK;
      }
      total += record.length;
      batch.put(pages, k, record);
      batch.put(meta, k, longBytes(tick << 24 | record.length));
      batch.put(lru, longBytes(tick), k);
      batch.put(meta, TOTAL, longBytes(total));
      db.write(writeOptions, batch);
    }
  }

  @Override
  public void commit() {
    // each put was its own atomic WAL append
  }

  @Override
  public void rollback() {
    // nothing pending; after a failed write RocksDB refuses all writes until it is reopened
  }

  @Override
  public byte[] get(String key) throws RocksDBException {
    return db.get(pages, bytes(key));
  }

  @Override
  public void touch(List<String> keys) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (String key : new LinkedHashSet<>(keys)) { // reads below do not see the batch: each key once
        byte[] k = bytes(key);
        byte[] old = db.get(meta, k);
        if (old != null) {
          long m = ByteBuffer.wrap(old).getLong();
          long tick = ticks.next();
          batch.delete(lru, longBytes(m >>> 24));
          batch.put(lru, longBytes(tick), k);
          batch.put(meta, k, longBytes(tick << 24 | (m & LENGTH_MASK)));
        }
      }
      db.write(writeOptions, batch);
    }
  }

  @Override
  public int evictOldest(int n) throws RocksDBException {
    int deleted = 0;
    try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(lru)) {
      for (it.seekToFirst(); it.isValid() && deleted < n; it.next(), deleted++) {
        byte[] k = it.value();
        byte[] m = db.get(meta, k);
        batch.delete(lru, it.key());
        batch.delete(meta, k);
        batch.delete(pages, k);
        total -= ByteBuffer.wrap(m).getLong() & LENGTH_MASK;
      }
      batch.put(meta, TOTAL, longBytes(total));
      db.write(writeOptions, batch);
    }
    return deleted;
  }

  @Override
  public long usedBytes() {
    return total;
  }

  @Override
  public void close() throws RocksDBException {
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      db.flush(wait, handles); // else the memtables stay in the WAL, replayed and flushed by the next open (seconds)
    } finally {
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      options.close();
      files.close();
      writeOptions.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
