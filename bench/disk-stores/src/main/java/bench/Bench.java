package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One measurement per JVM: java bench.Bench STORE MODE DIR [args]. Results are lines "R store metric value"
 * (numbers, pivoted into a table by run.sh) and "T store metric text".
 */
public final class Bench {
  private static final long COMMIT_EVERY_NS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String name;
  private final Path dir;

  private Bench(String name, Path dir) {
    this.name = name;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Bench b = new Bench(args[0], Path.of(args[2]));
    Files.createDirectories(b.dir);
    switch (args[1]) {
      case "write" -> b.write(Integer.parseInt(args[3]));
      case "read" -> b.read(Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "open" -> b.open(args[3]);
      case "evict" -> b.evict(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "writer" -> b.writer();
      case "crash" -> b.crash(Integer.parseInt(args[3]));
      case "full" -> b.full(args[3]);
      default -> throw new IllegalArgumentException("mode: write | read | open | evict | writer | crash | full");
    }
  }

  /** (1) n puts from this one thread, commit every 100 ms; (5) the size on disk after a clean close. */
  private void write(int n) throws Exception {
    Memory before = Memory.now();
    long logical = 0;
    long slowestCallNs = 0;
    long start = System.nanoTime();
    Store s = Store.open(name, dir);
    long lastCommit = start;
    for (int i = 0; i < n; i++) {
      byte[] r = Data.record(i);
      logical += r.length;
      long t = System.nanoTime();
      s.put(Data.key(i), r);
      if (t - lastCommit >= COMMIT_EVERY_NS) {
        s.commit();
        lastCommit = System.nanoTime();
      }
      slowestCallNs = Math.max(slowestCallNs, System.nanoTime() - t);
    }
    s.commit();
    double secs = (System.nanoTime() - start) / 1e9;
    result("write.pages_per_s", n / secs);
    result("write.MB_per_s", logical / secs / 1e6);
    result("write.slowest_put_or_commit_ms", slowestCallNs / 1e6);
    memory("write", before);
    long t = System.nanoTime();
    s.close();
    result("write.close_ms", (System.nanoTime() - t) / 1e6);
    result("size.logical_MB", logical / 1e6);
    result("size.file_MB_apparent", dirBytes() / 1e6);
  }

  /** (2) open, then random gets: the first `cold` right after open (run.sh drops the files from the page cache), then `warm`. */
  private void read(int n, int cold, int warm) throws Exception {
    Memory before = Memory.now();
    try (Store s = Store.open(name, dir)) {
      SplittableRandom rnd = new SplittableRandom(7);
      gets(s, rnd, n, cold, "read.cold");
      gets(s, rnd, n, warm, "read.warm");
      memory("read", before);
    }
  }

  private void gets(Store s, SplittableRandom rnd, int n, int count, String label) throws Exception {
    long[] ns = new long[count];
    int wrong = 0;
    for (int i = 0; i < count; i++) {
      int seq = rnd.nextInt(n);
      String key = Data.key(seq);
      long t = System.nanoTime();
      byte[] v = s.get(key);
      ns[i] = System.nanoTime() - t;
      if (!Arrays.equals(v, Data.record(seq))) {
        wrong++;
      }
    }
    result(label + ".first_1000_mean_us", Arrays.stream(ns, 0, Math.min(1000, count)).average().orElse(0) / 1e3);
    Arrays.sort(ns);
    result(label + ".p50_us", ns[count / 2] / 1e3);
    result(label + ".p99_us", ns[(int) (count * 0.99)] / 1e3);
    result(label + ".max_us", ns[count - 1] / 1e3);
    result(label + ".wrong", wrong);
  }

  /**
   * (3) from the start of the open call to the first get returning (null on an empty store); this includes
   * loading the driver and its native library. Then close and open again in this JVM: the store's own part.
   */
  private void open(String label) throws Exception {
    long t = System.nanoTime();
    try (Store s = Store.open(name, dir)) {
      s.get(Data.key(0));
      result("open." + label + ".first_get_ms", (System.nanoTime() - t) / 1e6);
      result("open." + label + ".jvm_uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
    }
    t = System.nanoTime();
    try (Store s = Store.open(name, dir)) {
      s.get(Data.key(0));
      result("open." + label + ".again_first_get_ms", (System.nanoTime() - t) / 1e6);
    }
  }

  /** (5) the LRU steps on a store of n records: touch m random keys, read the byte count, delete the m oldest. */
  private void evict(int n, int m) throws Exception {
    try (Store s = Store.open(name, dir)) {
      SplittableRandom rnd = new SplittableRandom(11);
      List<String> touched = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        touched.add(Data.key(n / 2 + rnd.nextInt(n / 2))); // newer half: none of the m oldest
      }
      long t = System.nanoTime();
      s.touch(touched);
      result("lru.touch_" + m + "_ms", (System.nanoTime() - t) / 1e6);
      t = System.nanoTime();
      long before = s.usedBytes();
      result("lru.used_bytes_call_us", (System.nanoTime() - t) / 1e3);
      t = System.nanoTime();
      int deleted = s.evictOldest(m);
      result("lru.delete_" + m + "_oldest_ms", (System.nanoTime() - t) / 1e6);
      result("lru.used_MB_freed", (before - s.usedBytes()) / 1e6);
      // the m oldest were seq 0..m-1 (written first, not touched): all gone, the rest all there
      int wrong = deleted == m ? 0 : 1;
      for (int i = 0; i < n; i++) {
        if ((s.get(Data.key(i)) == null) != (i < m)) {
          wrong++;
        }
      }
      result("lru.wrong_after_evict", wrong);
    }
    result("lru.file_MB_after_evict_and_close", dirBytes() / 1e6);
  }

  /** (4) child: writes until killed, printing "C seq" after each commit that made records 0..seq durable. */
  private void writer() throws Exception {
    Store s = Store.open(name, dir);
    System.out.println("READY");
    System.out.flush();
    long lastCommit = System.nanoTime();
    long deadline = lastCommit + TimeUnit.SECONDS.toNanos(60); // never outlive a lost parent for long
    for (int i = 0; System.nanoTime() < deadline; i++) {
      s.put(Data.key(i), Data.record(i));
      if (System.nanoTime() - lastCommit >= COMMIT_EVERY_NS) {
        s.commit();
        lastCommit = System.nanoTime();
        System.out.println("C " + i);
        System.out.flush();
      }
    }
    s.close();
  }

  /** (4) parent: rounds x (start a writer child, SIGKILL it after 3 s, reopen, check every record). */
  private void crash(int rounds) throws Exception {
    int failedRounds = 0;
    long missing = 0;
    long missingReported = 0;
    long corrupt = 0;
    double slowestReopenMs = 0;
    for (int r = 1; r <= rounds; r++) {
      Path d = dir.resolve("round" + r);
      Process child = new ProcessBuilder(javaCommand(name, "writer", d.toString()))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      ConcurrentLinkedQueue<long[]> commits = new ConcurrentLinkedQueue<>(); // {nanoTime seen, seq}
      Thread reader = new Thread(() -> readCommits(child, commits));
      reader.start();
      long killAt;
      try {
        while (commits.isEmpty() && child.isAlive()) {
          Thread.sleep(10); // the child's first commit: it is open and writing
        }
        Thread.sleep(3000);
        killAt = System.nanoTime();
        child.toHandle().destroyForcibly(); // SIGKILL; Process.destroyForcibly would also close the pipe unread
      } finally {
        child.toHandle().destroyForcibly();
        child.waitFor();
      }
      reader.join();
      long mustHave = -1; // records 0..mustHave were reported committed at least 1 s before the kill
      long lastReported = -1;
      for (long[] c : commits) {
        if (c[0] <= killAt - TimeUnit.SECONDS.toNanos(1)) {
          mustHave = Math.max(mustHave, c[1]);
        }
        lastReported = Math.max(lastReported, c[1]);
      }
      long t = System.nanoTime();
      long roundMissing = 0;
      long roundMissingReported = 0; // also records whose commit was reported less than 1 s before the kill
      long roundCorrupt = 0;
      long present = 0;
      String reopen = "ok";
      try (Store s = Store.open(name, d)) {
        slowestReopenMs = Math.max(slowestReopenMs, (System.nanoTime() - t) / 1e6);
        for (long i = 0, absentRun = 0; i <= lastReported || absentRun < 1000; i++) {
          byte[] v = s.get(Data.key(i));
          absentRun = v == null ? absentRun + 1 : 0;
          if (v == null && i <= lastReported) {
            roundMissingReported++;
            roundMissing += i <= mustHave ? 1 : 0;
          } else if (v != null) {
            present++;
            if (!Arrays.equals(v, Data.record(i))) {
              roundCorrupt++;
            }
          }
        }
      } catch (Exception e) {
        reopen = e.toString();
      }
      boolean ok = reopen.equals("ok") && roundMissing == 0 && roundCorrupt == 0;
      failedRounds += ok ? 0 : 1;
      missing += roundMissing;
      missingReported += roundMissingReported;
      corrupt += roundCorrupt;
      text("crash.round" + r, String.format("reopen=%s committed>=1s_before_kill=%d committed_reported=%d"
              + " present_after=%d missing=%d missing_of_all_reported=%d corrupt=%d",
          reopen, mustHave + 1, lastReported + 1, present, roundMissing, roundMissingReported, roundCorrupt));
    }
    result("crash.rounds_failed_of_" + rounds, failedRounds);
    result("crash.missing_records", missing);
    result("crash.missing_of_all_reported", missingReported);
    result("crash.corrupt_records", corrupt);
    result("crash.slowest_reopen_ms", slowestReopenMs);
  }

  private static void readCommits(Process child, ConcurrentLinkedQueue<long[]> commits) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("C ")) {
          commits.add(new long[] {System.nanoTime(), Long.parseLong(line.substring(2))});
        }
      }
    } catch (IOException e) {
      // the child died mid-line: what was read is what counts
    }
  }

  /**
   * Full disk (DIR on a small tmpfs) or the store's own limit (-DlimitBytes): write until it fails, then what a
   * cache would do: roll back, read, delete the oldest 10%, put again; then the same after close and reopen.
   * -DballastBytes=N first fills N bytes of a spare file beside the store and deletes it after the failure.
   */
  private void full(String label) throws Exception {
    Path ballast = dir.resolve("ballast");
    long ballastBytes = Long.getLong("ballastBytes", 0);
    for (long b = 0; b < ballastBytes; b += 1 << 20) {
      Files.write(ballast, new byte[1 << 20], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    Store s = Store.open(name, dir);
    int i = 0;
    String failure = "none within 400k records";
    try {
      long lastCommit = System.nanoTime();
      for (; i < 400_000; i++) {
        s.put(Data.key(i), Data.record(i));
        if (System.nanoTime() - lastCommit >= COMMIT_EVERY_NS) {
          s.commit();
          lastCommit = System.nanoTime();
        }
      }
      s.commit();
    } catch (Exception e) {
      failure = describe(e);
    }
    int written = i;
    text(label + ".failure", "after " + written + " puts: " + failure);
    if (Files.deleteIfExists(ballast)) {
      text(label + ".then_delete_ballast", "ok, " + ballastBytes / 1_000_000 + " MB freed");
    }
    recover(label + ".then", s, written);
    text(label + ".then_close", attempt(() -> {
      s.close();
      return "ok";
    }));
    Store again;
    try {
      again = Store.open(name, dir);
    } catch (Exception e) {
      text(label + ".reopen", "FAILS " + describe(e));
      return;
    }
    int present = 0;
    int wrong = 0;
    for (int k = 0; k < written; k++) {
      byte[] v = again.get(Data.key(k));
      present += v == null ? 0 : 1;
      wrong += v != null && !Arrays.equals(v, Data.record(k)) ? 1 : 0;
    }
    text(label + ".reopen", "ok, " + present + " of " + written + " present, " + wrong + " wrong");
    recover(label + ".reopen_then", again, written);
    text(label + ".reopen_then_close", attempt(() -> {
      again.close();
      return "ok";
    }));
  }

  private void recover(String label, Store s, int written) {
    text(label + "_rollback", attempt(() -> {
      s.rollback();
      return "ok";
    }));
    text(label + "_get", attempt(() -> s.get(Data.key(written - 1_000)) != null ? "ok, found" : "ok, null"));
    text(label + "_evict_10pct", attemptWrite(s, () -> "ok, deleted " + s.evictOldest(Math.max(1, written / 10))));
    text(label + "_put_commit", attemptWrite(s, () -> {
      s.put(Data.key(1_000_000), Data.record(1_000_000));
      s.commit();
      return "ok";
    }));
  }

  /** A failed write is followed by a rollback, as the cache's writer would do. */
  private static String attemptWrite(Store s, Attempt a) {
    String outcome = attempt(a);
    if (outcome.startsWith("FAILS")) {
      attempt(() -> {
        s.rollback();
        return "";
      });
    }
    return outcome;
  }

  private interface Attempt {
    String run() throws Exception;
  }

  private static String attempt(Attempt a) {
    try {
      return a.run();
    } catch (Throwable e) {
      return "FAILS " + describe(e);
    }
  }

  /** The exception thrown, and what the operating system said where that is further down. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = (root == e ? e.toString() : e.getClass().getName() + " ... caused by " + root).replace('\n', ' ');
    return m.length() > 240 ? m.substring(0, 240) + "..." : m;
  }

  private static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), // native libraries unpack there
        "-cp", System.getProperty("java.class.path"), Bench.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private long dirBytes() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Heap in use after a GC, and the resident set: run.sh pre-touches a fixed heap, so RSS growth is native memory. */
  private record Memory(long heapUsed, long rss) {
    static Memory now() throws IOException {
      System.gc();
      System.gc();
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      return new Memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), rss);
    }
  }

  private void memory(String label, Memory before) throws IOException {
    Memory now = Memory.now();
    result(label + ".extra_heap_MB", (now.heapUsed - before.heapUsed) / 1e6);
    result(label + ".extra_native_MB", (now.rss - before.rss) / 1e6);
  }

  private void result(String metric, double value) {
    System.out.printf("R %s %s %.6g%n", name, metric, value);
  }

  private void text(String metric, String value) {
    System.out.printf("T %s %s %s%n", name, metric, value);
  }
}
