package bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * H2's MVStore (h2-mvstore, no SQL engine): copy-on-write B-trees in one log-structured file. commit() writes a
 * new chunk with plain writes, no fsync; its background thread (every second by default) also commits what is
 * pending and rewrites chunks that fall under the fill rate. Recency is a tick -> key map plus key -> (tick, length); the byte bound is the sum of lengths,
 * kept in a map so it commits atomically with the records.
 */
final class MvStoreStore implements Store {
  private static final long LENGTH_MASK = (1L << 24) - 1; // meta value: tick << 24 | record length

  private final MVStore store;
  private final MVMap<String, byte[]> pages;
  private final MVMap<String, Long> meta;
  private final MVMap<Long, String> lru;
  private final MVMap<String, Long> totals;
  private final Ticks ticks;
  private long bytes;

  MvStoreStore(Path dir) {
    store = new MVStore.Builder()
        .fileName(dir.resolve("cache.mv").toString())
        .cacheSize(16) // MB of heap for decoded pages; the default
        .open();
    pages = store.openMap("pages");
    meta = store.openMap("meta");
    lru = store.openMap("lru");
    totals = store.openMap("totals");
    Long newest = lru.lastKey();
    ticks = new Ticks(newest == null ? 0 : newest);
    bytes = totals.getOrDefault("bytes", 0L);
  }

  @Override
  public void put(String key, byte[] record) {
    long tick = ticks.next();
    Long old = meta.put(key, tick << 24 | record.length);
    if (old != null) {
      lru.remove(old >>> 24);
      bytes -= old & LENGTH_MASK;
    }
    lru.put(tick, key);
    pages.put(key, record);
    bytes += record.length;
    totals.put("bytes", bytes); // the background thread may commit between our commits: keep totals in step
  }

  @Override
  public void commit() {
    store.commit();
  }

  /** After a failed write the store has closed itself (panic): this throws, only a new open helps. */
  @Override
  public void rollback() {
    store.rollback();
    bytes = totals.getOrDefault("bytes", 0L);
  }

  @Override
  public byte[] get(String key) {
    return pages.get(key);
  }

  @Override
  public void touch(List<String> keys) {
    for (String key : keys) {
      Long old = meta.get(key);
      if (old != null) {
        long tick = ticks.next();
        lru.remove(old >>> 24);
        lru.put(tick, key);
        meta.put(key, tick << 24 | (old & LENGTH_MASK));
      }
    }
    store.commit();
  }

  @Override
  public int evictOldest(int n) {
    List<Map.Entry<Long, String>> oldest = new ArrayList<>(n);
    for (Iterator<Map.Entry<Long, String>> it = lru.entrySet().iterator(); it.hasNext() && oldest.size() < n; ) {
      oldest.add(it.next()); // iterators read a snapshot, so removing afterwards is safe
    }
    for (Map.Entry<Long, String> e : oldest) {
      lru.remove(e.getKey());
      Long old = meta.remove(e.getValue());
      pages.remove(e.getValue());
      bytes -= old & LENGTH_MASK;
    }
    totals.put("bytes", bytes);
    store.commit();
    return oldest.size();
  }

  @Override
  public long usedBytes() {
    return bytes;
  }

  @Override
  public void close() {
    store.close(); // commits what is pending, then closes the file
  }
}
