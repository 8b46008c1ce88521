package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

import static com.acme.keyapiproxy.sharedstate.SharedStateUnavailable.unlessUnreachable;

/**
 * The shared-mode ledger: one Redis hash per month, {@code <prefix>credits:<yyyy-MM>}, team → credits. Every replica
 * reserves against it with one Lua script, so the check against the allowances and the addition are one atomic step
 * across all replicas.
 * <p>
 * Durability is Redis's: with AOF and {@code appendfsync everysec} (the runbook's setting) a Redis crash loses at
 * most the last second of changes; {@link #awaitDurable} has nothing to wait for.
 * <p>
 * Thread-safe (Redis does the ordering).
 */
final class RedisCreditLedger implements CreditLedger {

	private static final Logger log = LoggerFactory.getLogger(RedisCreditLedger.class);

	/** KEYS[1] the month's hash; ARGV team, team limit ('' = none), organisation limit ('' = none). */
	private static final RedisScript<Long> RESERVE_ONE = RedisScript.of("""
			local spent = redis.call('HGETALL', KEYS[1])
			local total, team = 0, 0
			for i = 1, #spent, 2 do
			  local credits = tonumber(spent[i + 1])
			  total = total + credits
			  if spent[i] == ARGV[1] then team = credits end
			end
			if ARGV[3] ~= '' and total >= tonumber(ARGV[3]) then return 1 end
			if ARGV[2] ~= '' and team >= tonumber(ARGV[2]) then return 2 end
			redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
			return 0
			""", Long.class);

	/**
	 * KEYS[1] the import marker, KEYS[2..] the months' hashes; ARGV[1] what was imported, then team and credits for
	 * each month key in turn. All or nothing, at most once: the marker and the credits are written together.
	 */
	private static final RedisScript<Long> IMPORT_ONCE = RedisScript.of("""
			if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
			for i = 2, #KEYS do
			  redis.call('HINCRBY', KEYS[i], ARGV[2 * i - 2], ARGV[2 * i - 1])
			end
			return 1
			""", Long.class);

	private static final Duration IMPORT_RETRY = Duration.ofSeconds(1);

	private final StringRedisTemplate redis;

	private final SharedStateProperties shared;

	/** Retries the import of the single-instance ledger while Redis cannot be reached; {@code null} when done. */
	private volatile @Nullable ScheduledExecutorService importRetries;

	RedisCreditLedger(StringRedisTemplate redis, SharedStateProperties shared) {
		this.redis = redis;
		this.shared = shared;
	}

	/**
	 * A ledger that first adds a single-instance ledger file's credits to the shared ledger, unless some replica did
	 * that before (then the file is ignored). When Redis cannot be reached now, the replica still starts; the import
	 * is retried every second, and until it is done no credit is reserved here (the allowances could not be checked
	 * against the imported spend).
	 * @throws IllegalStateException when the file cannot be read (never reset automatically)
	 */
	static RedisCreditLedger importingOnce(StringRedisTemplate redis, SharedStateProperties shared, Path file) {
		RedisCreditLedger ledger = new RedisCreditLedger(redis, shared);
		Map<YearMonth, Map<String, Long>> months = JournalCreditLedger.read(file);
		if (months.isEmpty()) {
			return ledger;
		}
		try {
			ledger.importOnce(file, months);
		}
		catch (SharedStateUnavailable unreachable) {
			log.warn("Cannot import the single-instance credit ledger {} now ({}); retrying every {}, and reserving no "
					+ "credit until it is done", file, unreachable.getMessage(), IMPORT_RETRY);
			ledger.retryImport(file, months);
		}
		return ledger;
	}

	@Override
	public long reserveOne(String team, YearMonth period, @Nullable Long teamLimit, @Nullable Long organisationLimit) {
		if (this.importRetries != null) {
			throw new SharedStateUnavailable("the single-instance ledger is not imported yet", null);
		}
		Long verdict = unlessUnreachable("reserving a credit", () -> this.redis.execute(RESERVE_ONE,
				List.of(monthKey(period)), team, limit(teamLimit), limit(organisationLimit)));
		if (verdict != null && verdict != 0) {
			throw new LimitReached(verdict == 1);
		}
		return 0;
	}

	@Override
	public long append(String team, YearMonth period, long credits) {
		unlessUnreachable("recording credits", () -> this.redis.opsForHash().increment(monthKey(period), team, credits));
		return 0;
	}

	@Override
	public void awaitDurable(long ticket) {
		// Redis's AOF policy decides; there is no per-change acknowledgement to wait for.
	}

	@Override
	public Map<String, Long> spentIn(YearMonth period) {
		Map<Object, Object> entries = unlessUnreachable("reading credits",
				() -> this.redis.opsForHash().entries(monthKey(period)));
		Map<String, Long> spent = new HashMap<>();
		entries.forEach((team, credits) -> spent.put((String) team, Long.parseLong((String) credits)));
		return spent;
	}

	/**
	 * Adds a single-instance ledger's credits to the shared ledger, the first time any replica does it; later calls
	 * (this replica's next start, or another replica's) change nothing.
	 * @return whether this call imported it
	 */
	boolean importOnce(Path file, Map<YearMonth, Map<String, Long>> months) {
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		keys.add(this.shared.key("credits:imported"));
		args.add("from " + file.toAbsolutePath().normalize());
		months.forEach((period, teams) -> teams.forEach((team, credits) -> {
			keys.add(monthKey(period));
			args.add(team);
			args.add(Long.toString(credits));
		}));
		Long imported = unlessUnreachable("importing the ledger file",
				() -> this.redis.execute(IMPORT_ONCE, keys, args.toArray()));
		boolean done = imported != null && imported == 1;
		if (done) {
			log.info("Imported the single-instance credit ledger {} into the shared ledger ({} months)", file,
					months.size());
		}
		else {
			log.info("The single-instance credit ledger was imported into the shared ledger before; {} is ignored", file);
		}
		return done;
	}

	private void retryImport(Path file, Map<YearMonth, Map<String, Long>> months) {
		ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "ledger-import");
			thread.setDaemon(true);
			return thread;
		});
		this.importRetries = retries;
		retries.scheduleWithFixedDelay(() -> {
			try {
				importOnce(file, months);
				this.importRetries = null;
				retries.shutdown();
			}
			catch (SharedStateUnavailable stillUnreachable) {
				// Next second.
			}
		}, IMPORT_RETRY.toMillis(), IMPORT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		// The connection belongs to Spring.
		ScheduledExecutorService retries = this.importRetries;
		if (retries != null) {
			retries.shutdownNow();
		}
	}

	private String monthKey(YearMonth period) {
		return this.shared.key("credits:" + period);
	}

	private static String limit(@Nullable Long limit) {
		return (limit != null) ? limit.toString() : "";
	}

}
