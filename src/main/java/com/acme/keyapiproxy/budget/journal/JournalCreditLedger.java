package com.acme.keyapiproxy.budget.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.acme.keyapiproxy.budget.CreditLedger;
import com.acme.keyapiproxy.budget.HoldVerdict;
import com.acme.keyapiproxy.budget.LedgerChanges;
import com.acme.keyapiproxy.budget.Limit;
import com.acme.keyapiproxy.budget.Standing;

/**
 * The single-instance ledger: an append-only journal of text lines
 * {@code <yyyy-MM> <team> <±credits> <crc32>}, compacted to one line per team and month
 * at every start (and after {@value #COMPACT_AFTER} appends) by writing a snapshot and
 * renaming it over the journal atomically.
 * <p>
 * Why a journal rather than an embedded database: the ledger is a handful of counters
 * changed a few times a second at most (KeyAPI's QPS bounds it), so the whole state fits
 * in memory, and what matters is that a charge is on disk before KeyAPI is called. An
 * fsync'd append does exactly that, the format is readable with {@code cat}, and there is
 * no storage engine to version, lock or corrupt. Each line carries a CRC so damage is
 * found, never silently read.
 * <p>
 * Crash safety: a credit is held in memory while its miss waits in line, then appended
 * and forced to disk just before the KeyAPI call (concurrent ones share one force); a
 * refund (no 2xx) is appended without forcing. A crash can therefore lose at most
 * refunds, so it over-counts, never under-counts. A torn last line (the process died
 * while appending it, before its fsync returned, so before KeyAPI was called) is dropped
 * with a warning; damage anywhere else stops the start, and the ledger is never reset
 * automatically.
 * <p>
 * Thread-safe: appends and reads hold a private lock; forcing to disk happens outside
 * that lock, one force at a time, covering every append before it (group commit).
 */
public final class JournalCreditLedger implements CreditLedger {

	static final int COMPACT_AFTER = 10_000;

	private static final Logger log = LoggerFactory.getLogger(JournalCreditLedger.class);

	private final Path file;

	private final Map<YearMonth, Map<String, Long>> spent = new HashMap<>();

	/**
	 * Credits held for misses waiting to be sent: in memory only, so a crash forgets
	 * them.
	 */
	private final Map<YearMonth, Map<String, Long>> held = new HashMap<>();

	/**
	 * Credits spent for requests sent whose outcome is not known yet (counted in
	 * {@link #spent} too): in memory only, so a crash leaves them spent, the safe side.
	 */
	private final Map<YearMonth, Map<String, Long>> sending = new HashMap<>();

	/**
	 * Guards the counts and the journal channel; private, so no caller can hold it (or
	 * wait on it) from outside.
	 */
	private final Object lock = new Object();

	private final LedgerChanges changes = new LedgerChanges();

	/**
	 * Open for appending once {@link #open} compacted; {@code null} in a ledger made by
	 * {@link #read}.
	 */
	private @Nullable FileChannel journal;

	private int appendsSinceCompaction;

	/**
	 * How many changes were appended since the ledger was opened: the ticket of the
	 * latest.
	 */
	private long appended;

	/** The ticket up to which every change is known to be on disk. */
	private volatile long durable;

	private final Object forcing = new Object();

	/** How appends are forced to disk: {@code force(false)}, or a test's. */
	private final Force force;

	private JournalCreditLedger(Path file, Force force) {
		this.file = file;
		this.force = force;
	}

	public static JournalCreditLedger open(Path file) {
		return open(file, (channel) -> channel.force(false));
	}

	/**
	 * A ledger that forces its appends with {@code force} (for tests that count them).
	 */
	static JournalCreditLedger open(Path file, Force force) {
		JournalCreditLedger ledger = new JournalCreditLedger(file.toAbsolutePath().normalize(), force);
		ledger.load();
		ledger.compact();
		return ledger;
	}

	/**
	 * What a ledger file holds, every month and team, read without changing the file (for
	 * the import into shared mode). Empty when there is no file.
	 */
	public static Map<YearMonth, Map<String, Long>> read(Path file) {
		JournalCreditLedger ledger = new JournalCreditLedger(file.toAbsolutePath().normalize(), (channel) -> {
			throw new IllegalStateException("A ledger made by read() is never written");
		});
		ledger.load();
		return Map.copyOf(ledger.spent);
	}

	@Override
	public long append(String team, YearMonth period, long credits) {
		long ticket;
		synchronized (this.lock) {
			ticket = record(team, period, credits);
		}
		this.changes.signal();
		return ticket;
	}

	/**
	 * Group commit: whoever finds its change not yet on disk forces the journal for every
	 * change appended so far, so callers waiting meanwhile usually find theirs already
	 * done: many reservations, few fsyncs.
	 */
	@Override
	public void awaitDurable(long ticket) {
		synchronized (this.forcing) {
			if (this.durable >= ticket) {
				return;
			}
			FileChannel channel;
			long upTo;
			synchronized (this.lock) {
				channel = journal();
				upTo = this.appended;
			}
			try {
				this.force.force(channel);
			}
			catch (ClosedChannelException compacted) {
				// A compaction replaced the journal meanwhile; it forced everything
				// appended before it.
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not write the credit ledger " + this.file, ex);
			}
			this.durable = Math.max(this.durable, upTo);
		}
	}

	@Override
	public HoldVerdict hold(String team, YearMonth period, List<Limit> limits) {
		synchronized (this.lock) {
			long seen = this.changes.count();
			List<Standing> standings = new ArrayList<>(limits.size());
			for (Limit limit : limits) {
				standings.add(new Standing(limit, countedBy(limit, this.spent, period),
						countedBy(limit, this.held, period), countedBy(limit, this.sending, period)));
			}
			HoldVerdict.Refused refused = HoldVerdict.refusalOf(standings, seen);
			if (refused != null) {
				return refused;
			}
			move(this.held, period, team, 1);
			return new HoldVerdict.Held(Hold.of(team, period, limits));
		}
	}

	@Override
	public void awaitSettling(HoldVerdict.AllHeld verdict, long deadlineNanos) throws InterruptedException {
		// Every hold of this ledger ends in this process, which signals it: nothing to
		// poll.
		this.changes.awaitChangeAfter(verdict.changesSeen(), deadlineNanos);
	}

	@Override
	public long spend(Hold hold) {
		synchronized (this.lock) {
			move(this.held, hold.period(), hold.team(), -1);
			move(this.sending, hold.period(), hold.team(), 1);
			return record(hold.team(), hold.period(), 1);
		}
	}

	@Override
	public long settle(Hold hold, boolean spent, long correction) {
		long ticket = 0;
		synchronized (this.lock) {
			move(spent ? this.sending : this.held, hold.period(), hold.team(), -1);
			if (correction != 0) {
				ticket = record(hold.team(), hold.period(), correction);
			}
		}
		this.changes.signal();
		return ticket;
	}

	/**
	 * With the lock held: the journal, which only a ledger made by {@link #read} lacks,
	 * and that one never writes.
	 */
	private FileChannel journal() {
		return Objects.requireNonNull(this.journal, "A ledger made by read() cannot be written");
	}

	/** Appends a change to the journal and to the counts; the caller holds the lock. */
	private long record(String team, YearMonth period, long credits) {
		try {
			journal().write(ByteBuffer.wrap(line(period, team, credits)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the credit ledger " + this.file, ex);
		}
		this.spent.computeIfAbsent(period, (p) -> new HashMap<>()).merge(team, credits, Long::sum);
		long ticket = ++this.appended;
		if (++this.appendsSinceCompaction >= COMPACT_AFTER) {
			compact();
		}
		return ticket;
	}

	private static void move(Map<YearMonth, Map<String, Long>> counts, YearMonth period, String team, long credits) {
		counts.computeIfAbsent(period, (p) -> new HashMap<>()).compute(team, (t, before) -> {
			long after = ((before != null) ? before : 0L) + credits;
			return (after != 0) ? after : null;
		});
	}

	private static long countedBy(Limit limit, Map<YearMonth, Map<String, Long>> counts, YearMonth period) {
		long total = 0;
		for (Map.Entry<String, Long> team : counts.getOrDefault(period, Map.of()).entrySet()) {
			if (limit.counts(team.getKey())) {
				total += team.getValue();
			}
		}
		return total;
	}

	@Override
	public Map<String, Long> spentIn(YearMonth period) {
		synchronized (this.lock) {
			return Map.copyOf(this.spent.getOrDefault(period, Map.of()));
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			try {
				if (this.journal != null && this.journal.isOpen()) {
					this.journal.force(true);
					this.journal.close();
				}
			}
			catch (IOException ex) {
				log.warn("Could not close the credit ledger {} cleanly", this.file, ex);
			}
		}
	}

	private void load() {
		String content;
		try {
			content = Files.readString(this.file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			log.info("No credit ledger at {} yet: starting one", this.file);
			return;
		}
		catch (IOException | UncheckedIOException ex) {
			throw new IllegalStateException("The credit ledger " + this.file + " cannot be read (" + ex + "). It is "
					+ "never reset automatically: fix its permissions or restore it, then start again", ex);
		}
		String[] lines = content.split("\n", -1);
		int complete = lines.length - 1;
		if (!lines[complete].isEmpty()) {
			log.warn("The credit ledger {} ends with a torn line (the process stopped while writing it, before KeyAPI "
					+ "was called for it); dropping it: '{}'", this.file, lines[complete]);
		}
		for (int i = 0; i < complete; i++) {
			apply(lines[i], i + 1);
		}
	}

	private void apply(String line, int number) {
		String[] fields = line.split(" ");
		try {
			if (fields.length != 4) {
				throw new IllegalArgumentException("expected 4 fields, found " + fields.length);
			}
			String payload = fields[0] + " " + fields[1] + " " + fields[2];
			if (!crc(payload).equals(fields[3])) {
				throw new IllegalArgumentException("checksum mismatch");
			}
			this.spent.computeIfAbsent(YearMonth.parse(fields[0]), (p) -> new HashMap<>())
				.merge(fields[1], Long.parseLong(fields[2]), Long::sum);
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new IllegalStateException("The credit ledger " + this.file + " is corrupt at line " + number + " ("
					+ ex.getMessage() + "): '" + line + "'. It is never reset automatically: restore it from a backup, "
					+ "or move it aside to knowingly start from zero", ex);
		}
	}

	/**
	 * Rewrites the journal as one line per team and month, atomically, and reopens it for
	 * appending.
	 */
	private void compact() {
		Path snapshot = this.file.resolveSibling(this.file.getFileName() + ".compacting");
		try {
			Files.createDirectories(this.file.getParent());
			if (this.journal != null) {
				this.journal.close();
			}
			try (FileChannel out = FileChannel.open(snapshot, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				for (Map.Entry<YearMonth, Map<String, Long>> month : new TreeMap<>(this.spent).entrySet()) {
					for (Map.Entry<String, Long> team : new TreeMap<>(month.getValue()).entrySet()) {
						out.write(ByteBuffer.wrap(line(month.getKey(), team.getKey(), team.getValue())));
					}
				}
				out.force(true);
			}
			Files.move(snapshot, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			try (FileChannel directory = FileChannel.open(this.file.getParent(), StandardOpenOption.READ)) {
				directory.force(true);
			}
			this.journal = FileChannel.open(this.file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			this.appendsSinceCompaction = 0;
			this.durable = this.appended;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the credit ledger " + this.file, ex);
		}
	}

	private static byte[] line(YearMonth period, String team, long credits) {
		String payload = period + " " + team + " " + ((credits >= 0) ? "+" : "") + credits;
		return (payload + " " + crc(payload) + "\n").getBytes(StandardCharsets.UTF_8);
	}

	private static String crc(String payload) {
		CRC32 crc = new CRC32();
		crc.update(payload.getBytes(StandardCharsets.UTF_8));
		return String.format("%08x", crc.getValue());
	}

	/** Forces the journal's appends to disk (group commit calls it once for many). */
	@FunctionalInterface
	interface Force {

		void force(FileChannel channel) throws IOException;

	}

}
