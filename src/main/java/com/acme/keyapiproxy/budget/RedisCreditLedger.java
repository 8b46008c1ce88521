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
 * The shared-mode ledger: one Redis hash per month, {@code <prefix>credits:<yyyy-MM>}, team → credits, and the credits
 * held for misses waiting in line as sorted sets of hold ids by expiry ({@code credits-held:<yyyy-MM>} and one per
 * team). Every replica holds against them with one Lua script, so the check against the allowances and the hold are
 * one atomic step across all replicas; a dead replica's holds lapse after {@link #HOLD_LIFETIME}.
 * <p>
 * Durability is Redis's: with AOF and {@code appendfsync everysec} (the runbook's setting) a Redis crash loses at
 * most the last second of changes; {@link #awaitDurable} has nothing to wait for.
 * <p>
 * Thread-safe (Redis does the ordering).
 */
final class RedisCreditLedger implements CreditLedger {

	private static final Logger log = LoggerFactory.getLogger(RedisCreditLedger.class);

	/**
	 * How long a hold counts when its replica never spends or releases it (it died): longer than any miss waits in
	 * line, short enough that a dead replica's holds do not block a team's last credits for long.
	 */
	static final Duration HOLD_LIFETIME = Duration.ofMinutes(10);

	/**
	 * KEYS[1] the month's spend (team → credits), KEYS[2] the month's holds, KEYS[3] the team's holds (sorted sets of
	 * hold ids by expiry, ms); ARGV team, team limit ('' = none), organisation limit ('' = none), hold id, lifetime ms.
	 * @return 0 held, 1 the organisation's limit is reached, 2 the team's
	 */
	private static final RedisScript<Long> HOLD = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
			redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
			local spent = redis.call('HGETALL', KEYS[1])
			local total, team = redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3])
			for i = 1, #spent, 2 do
			  local credits = tonumber(spent[i + 1])
			  total = total + credits
			  if spent[i] == ARGV[1] then team = team + credits end
			end
			if ARGV[3] ~= '' and total >= tonumber(ARGV[3]) then return 1 end
			if ARGV[2] ~= '' and team >= tonumber(ARGV[2]) then return 2 end
			local expiry = now + tonumber(ARGV[5])
			redis.call('ZADD', KEYS[2], expiry, ARGV[4])
			redis.call('ZADD', KEYS[3], expiry, ARGV[4])
			redis.call('PEXPIRE', KEYS[2], ARGV[5])
			redis.call('PEXPIRE', KEYS[3], ARGV[5])
			return 0
			""", Long.class);

	/** KEYS as for {@link #HOLD}; ARGV team, hold id, 1 to spend it (0 to release it). */
	private static final RedisScript<Long> END_HOLD = RedisScript.of("""
			redis.call('ZREM', KEYS[2], ARGV[2])
			redis.call('ZREM', KEYS[3], ARGV[2])
			if ARGV[3] == '1' then
			  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
			end
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
	public Hold hold(String team, YearMonth period, @Nullable Long teamLimit, @Nullable Long organisationLimit) {
		if (this.importRetries != null) {
			throw new SharedStateUnavailable("the single-instance ledger is not imported yet", null);
		}
		Hold hold = Hold.of(team, period);
		Long verdict = unlessUnreachable("holding a credit", () -> this.redis.execute(HOLD, holdKeys(hold), team,
				limit(teamLimit), limit(organisationLimit), hold.id(), Long.toString(HOLD_LIFETIME.toMillis())));
		if (verdict != null && verdict != 0) {
			throw new LimitReached(verdict == 1);
		}
		return hold;
	}

	@Override
	public long spend(Hold hold) {
		unlessUnreachable("spending a credit",
				() -> this.redis.execute(END_HOLD, holdKeys(hold), hold.team(), hold.id(), "1"));
		return 0;
	}

	@Override
	public void release(Hold hold) {
		unlessUnreachable("releasing a credit",
				() -> this.redis.execute(END_HOLD, holdKeys(hold), hold.team(), hold.id(), "0"));
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

	private List<String> holdKeys(Hold hold) {
		String held = this.shared.key("credits-held:" + hold.period());
		return List.of(monthKey(hold.period()), held, held + ":" + hold.team());
	}

	private static String limit(@Nullable Long limit) {
		return (limit != null) ? limit.toString() : "";
	}

}
