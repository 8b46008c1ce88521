package com.acme.keyapiproxy.budget.shared;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.budget.CreditLedger;
import com.acme.keyapiproxy.budget.HoldVerdict;
import com.acme.keyapiproxy.budget.LedgerChanges;
import com.acme.keyapiproxy.budget.Limit;
import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The shared-mode ledger: one Redis hash per month, {@code <prefix>credits:<yyyy-MM>},
 * team → credits, and the credits of misses in flight as sorted sets of hold ids by
 * expiry, per limit: held while they wait in line ({@code credits-held:<yyyy-MM>}, and
 * {@code …:<team>} for a team's limit), then sent and not settled yet
 * ({@code credits-sending:…}). Every replica holds against them with one Lua script, so
 * the check against the limits and the hold are one atomic step across all replicas. A
 * dead replica's holds lapse after {@link #HOLD_LIFETIME} (its credits come back); its
 * sends lapse too, but their credits stay spent (the safe side: KeyAPI may have charged).
 * <p>
 * Durability is Redis's: with AOF and {@code appendfsync everysec} (the runbook's
 * setting) a Redis crash loses at most the last second of changes; {@link #awaitDurable}
 * has nothing to wait for.
 * <p>
 * Thread-safe (Redis does the ordering).
 */
public final class RedisCreditLedger implements CreditLedger {

	/** Redis failures named {@code SharedStateUnavailable}; every call is tried. */
	private static final RedisGuard REDIS = RedisGuard.translatingFailures();

	private static final Logger log = LoggerFactory.getLogger(RedisCreditLedger.class);

	/**
	 * How long a hold counts when its replica never spends or releases it (it died):
	 * longer than any miss waits in line, short enough that a dead replica's holds do not
	 * block a team's last credits for long.
	 */
	static final Duration HOLD_LIFETIME = Duration.ofMinutes(10);

	/**
	 * How long a miss told that its credits are all held waits before asking again, at
	 * most, when no fetch of this replica settled meanwhile: the fetches holding them may
	 * be another replica's. Jittered, so waiting misses do not ask together.
	 */
	static final Duration SETTLING_POLL = Duration.ofMillis(50);

	/**
	 * The rule of {@link HoldVerdict}, over any number of limits. KEYS[1] the month's
	 * spend (team → credits), then for each limit its holds and its sends in flight
	 * (sorted sets of hold ids by expiry, ms); ARGV hold id, lifetime ms, then for each
	 * limit its credits and the team it counts ('' = every team).
	 * @return 0 held, i when limit i's credits are charged, -i when limit i's remaining
	 * credits are all in flight
	 */
	private static final RedisScript<Long> HOLD = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local byTeam = redis.call('HGETALL', KEYS[1])
			local limits = (#KEYS - 1) / 2
			local credits, spent, held, sending = {}, {}, {}, {}
			for i = 1, limits do
			  local heldKey, sendingKey, team = KEYS[2 * i], KEYS[2 * i + 1], ARGV[2 + 2 * i]
			  redis.call('ZREMRANGEBYSCORE', heldKey, '-inf', now)
			  redis.call('ZREMRANGEBYSCORE', sendingKey, '-inf', now)
			  credits[i], spent[i] = tonumber(ARGV[1 + 2 * i]), 0
			  held[i], sending[i] = redis.call('ZCARD', heldKey), redis.call('ZCARD', sendingKey)
			  for j = 1, #byTeam, 2 do
			    if team == '' or byTeam[j] == team then spent[i] = spent[i] + tonumber(byTeam[j + 1]) end
			  end
			end
			for i = 1, limits do
			  if spent[i] - sending[i] >= credits[i] then return i end
			end
			for i = 1, limits do
			  if spent[i] + held[i] >= credits[i] then return -i end
			end
			local expiry = now + tonumber(ARGV[2])
			for i = 1, limits do
			  redis.call('ZADD', KEYS[2 * i], expiry, ARGV[1])
			  redis.call('PEXPIRE', KEYS[2 * i], ARGV[2])
			end
			return 0
			""", Long.class);

	/**
	 * A held credit becomes spent, in flight until settled. KEYS as for {@link #HOLD};
	 * ARGV team, hold id, lifetime ms.
	 */
	private static final RedisScript<Long> SPEND = RedisScript.of("""
			local t = redis.call('TIME')
			local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
			for i = 2, #KEYS, 2 do
			  redis.call('ZREM', KEYS[i], ARGV[2])
			  redis.call('ZADD', KEYS[i + 1], expiry, ARGV[2])
			  redis.call('PEXPIRE', KEYS[i + 1], ARGV[3])
			end
			redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
			return 0
			""", Long.class);

	/**
	 * The miss is over. KEYS as for {@link #HOLD}; ARGV team, hold id, credits to add
	 * (negative to refund).
	 */
	private static final RedisScript<Long> SETTLE = RedisScript.of("""
			for i = 2, #KEYS do
			  redis.call('ZREM', KEYS[i], ARGV[2])
			end
			if ARGV[3] ~= '0' then
			  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
			end
			return 0
			""", Long.class);

	/**
	 * KEYS[1] the import marker, KEYS[2..] the months' hashes; ARGV[1] what was imported,
	 * then team and credits for each month key in turn. All or nothing, at most once: the
	 * marker and the credits are written together.
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

	/** This replica's settles, to wake its own waiting misses at once. */
	private final LedgerChanges changes = new LedgerChanges();

	/**
	 * Retries the import of the single-instance ledger while Redis cannot be reached;
	 * {@code null} when done.
	 */
	private volatile @Nullable ScheduledExecutorService importRetries;

	/**
	 * A ledger that imports nothing ({@link #importingOnce} is what a replica starts
	 * with).
	 */
	public RedisCreditLedger(StringRedisTemplate redis, SharedStateProperties shared) {
		this.redis = redis;
		this.shared = shared;
	}

	/**
	 * A ledger that first adds a single-instance ledger file's credits to the shared
	 * ledger, unless some replica did that before (then the file is ignored). When Redis
	 * cannot be reached now, the replica still starts; the import is retried every
	 * second, and until it is done no credit is reserved here (the allowances could not
	 * be checked against the imported spend).
	 * @throws IllegalStateException when the file cannot be read (never reset
	 * automatically)
	 */
	public static RedisCreditLedger importingOnce(StringRedisTemplate redis, SharedStateProperties shared, Path file) {
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
	public HoldVerdict hold(String team, YearMonth period, List<Limit> limits) {
		if (this.importRetries != null) {
			throw new SharedStateUnavailable("the single-instance ledger is not imported yet", null);
		}
		long seen = this.changes.count();
		Hold hold = Hold.of(team, period, limits);
		List<String> args = new ArrayList<>();
		args.add(hold.id());
		args.add(Long.toString(HOLD_LIFETIME.toMillis()));
		for (Limit limit : limits) {
			args.add(Long.toString(limit.credits()));
			args.add((limit.team() != null) ? limit.team() : "");
		}
		Long verdict = REDIS.call("holding a credit", () -> this.redis.execute(HOLD, holdKeys(hold), args.toArray()));
		int refusing = (verdict != null) ? verdict.intValue() : 0;
		if (refusing > 0) {
			return new HoldVerdict.Spent(limits.get(refusing - 1).name());
		}
		if (refusing < 0) {
			return new HoldVerdict.AllHeld(limits.get(-refusing - 1).name(), seen);
		}
		return new HoldVerdict.Held(hold);
	}

	/**
	 * Woken at once when a fetch of this replica settles; another replica's is seen when
	 * it asks again, after a short jittered pause (a publish per settle would wake every
	 * waiting miss of every replica for every team).
	 */
	@Override
	public void awaitSettling(HoldVerdict.AllHeld verdict, long deadlineNanos) throws InterruptedException {
		long pause = (long) (SETTLING_POLL.toNanos() * (0.5 + ThreadLocalRandom.current().nextDouble()));
		this.changes.awaitChangeAfter(verdict.changesSeen(), Math.min(deadlineNanos, System.nanoTime() + pause));
	}

	@Override
	public long spend(Hold hold) {
		REDIS.call("spending a credit", () -> this.redis.execute(SPEND, holdKeys(hold), hold.team(), hold.id(),
				Long.toString(HOLD_LIFETIME.toMillis())));
		return 0;
	}

	@Override
	public long settle(Hold hold, boolean spent, long correction) {
		REDIS.call("settling a credit",
				() -> this.redis.execute(SETTLE, holdKeys(hold), hold.team(), hold.id(), Long.toString(correction)));
		this.changes.signal();
		return 0;
	}

	@Override
	public long append(String team, YearMonth period, long credits) {
		REDIS.call("recording credits", () -> this.redis.opsForHash().increment(monthKey(period), team, credits));
		this.changes.signal();
		return 0;
	}

	@Override
	public void awaitDurable(long ticket) {
		// Redis's AOF policy decides; there is no per-change acknowledgement to wait for.
	}

	@Override
	public Map<String, Long> spentIn(YearMonth period) {
		Map<Object, Object> entries = REDIS.call("reading credits",
				() -> this.redis.opsForHash().entries(monthKey(period)));
		Map<String, Long> spent = new HashMap<>();
		entries.forEach((team, credits) -> spent.put((String) team, Long.parseLong((String) credits)));
		return spent;
	}

	/**
	 * Adds a single-instance ledger's credits to the shared ledger, the first time any
	 * replica does it; later calls (this replica's next start, or another replica's)
	 * change nothing.
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
		Long imported = REDIS.call("importing the ledger file",
				() -> this.redis.execute(IMPORT_ONCE, keys, args.toArray()));
		boolean done = imported != null && imported == 1;
		if (done) {
			log.info("Imported the single-instance credit ledger {} into the shared ledger ({} months)", file,
					months.size());
		}
		else {
			log.info("The single-instance credit ledger was imported into the shared ledger before; {} is ignored",
					file);
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

	/**
	 * The month's spend, then each limit's holds and sends in flight:
	 * {@code credits-held:<yyyy-MM>} (and {@code credits-sending:…}) for a limit over
	 * every team, with {@code :<team>} for one team's.
	 */
	private List<String> holdKeys(Hold hold) {
		List<String> keys = new ArrayList<>(1 + 2 * hold.limits().size());
		keys.add(monthKey(hold.period()));
		for (Limit limit : hold.limits()) {
			String scope = hold.period() + ((limit.team() != null) ? ":" + limit.team() : "");
			keys.add(this.shared.key("credits-held:" + scope));
			keys.add(this.shared.key("credits-sending:" + scope));
		}
		return keys;
	}

}
