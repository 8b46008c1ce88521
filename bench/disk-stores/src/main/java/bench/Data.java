package bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic keys and records, so a reader (or the crash check) can tell exactly what seq n must hold. */
final class Data {
  static final long EPOCH_MS = 1_780_000_000_000L;
  private static final byte[] CORPUS = corpus(256 * 1024);

  private Data() {}

  /** "user100000000|page=3|size=20": 28 bytes, ten pages per user. */
  static String key(long seq) {
    return "user" + (100_000_000L + seq / 10) + "|page=" + (seq % 10) + "|size=20";
  }

  /** 8 bytes fetched_at, 8 bytes seq, then JSON-like text: 4.0-5.0 KB, every 100th 40 KB. */
  static byte[] record(long seq) {
    long h = mix(seq);
    int len = seq % 100 == 99 ? 40_000 : 4_096 + (int) (h & 1023);
    byte[] r = new byte[len];
    ByteBuffer.wrap(r).putLong(EPOCH_MS + seq).putLong(seq);
    int from = (int) ((h >>> 16) % (CORPUS.length - len));
    System.arraycopy(CORPUS, from, r, 16, len - 16);
    return r;
  }

  static long mix(long z) {
    z = (z + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Objects like a KeyAPI page's items, with random ids, names and numbers: compresses about as JSON does. */
  private static byte[] corpus(int size) {
    SplittableRandom rnd = new SplittableRandom(42);
    StringBuilder sb = new StringBuilder(size + 512);
    while (sb.length() < size) {
      String login = word(rnd, 5 + rnd.nextInt(8));
      sb.append("{\"id\":").append(rnd.nextLong(1L << 40))
          .append(",\"login\":\"").append(login)
          .append("\",\"email\":\"").append(login).append("@").append(word(rnd, 6)).append(".example\"")
          .append(",\"score\":").append(rnd.nextInt(100_000) / 1000.0)
          .append(",\"active\":").append(rnd.nextBoolean())
          .append(",\"created\":\"2026-").append(10 + rnd.nextInt(3)).append("-").append(10 + rnd.nextInt(18))
          .append("T").append(10 + rnd.nextInt(14)).append(":").append(10 + rnd.nextInt(50)).append(":00Z\"")
          .append(",\"tags\":[\"").append(word(rnd, 4)).append("\",\"").append(word(rnd, 7)).append("\"]},");
    }
    return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static String word(SplittableRandom rnd, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = (char) ('a' + rnd.nextInt(26));
    }
    return new String(c);
  }
}
