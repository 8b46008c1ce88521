package com.acme.keyapiproxy.upstream.shared;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.upstream.SendGate;

/**
 * Every replica's {@link SendGate}: one Redis hash, changed only by the scripts below,
 * timed by Redis's own clock ({@code TIME}), so replicas' clocks do not matter. Replicas
 * waiting for it are served in the order their attempts joined the shared line (lowest
 * ticket first), so no replica's misses are starved by another's and the wait each
 * replica estimates for a new miss holds. The replica whose send holds the gate is named
 * in it with a deadline ({@code keyapi.timeout} and a second): a replica that dies
 * holding it blocks the others that long at most. The write is reported when Redis hears
 * of it, a little after it happened: the next send is, if anything, later.
 * <p>
 * Thread-safe; called by the slot dispatcher only, off the event loops.
 */
final class SharedSendGate implements SendGate {

	/** Redis failures named {@code SharedStateUnavailable}; every call is tried. */
	private static final RedisGuard REDIS = RedisGuard.translatingFailures();

	/** The gate's hash is dropped by Redis after this long without a send. */
	private static final Duration IDLE_EXPIRY = Duration.ofHours(1);

	/**
	 * KEYS[1] the gate, KEYS[2] the replicas waiting for it (token by ticket), KEYS[3]
	 * until when each is believed to be waiting (µs); ARGV token, interval µs, hold µs,
	 * expiry ms, ticket, how long a waiter is believed without asking again (µs). @return
	 * 0 taken, else µs to wait until the gate is free, or -1 when it is held elsewhere,
	 * or free but another replica's older attempt goes first (ask again shortly)
	 */
	private static final RedisScript<Long> TAKE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
			redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
			redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[6]))
			local first
			while true do
			  first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
			  if tonumber(redis.call('HGET', KEYS[3], first) or '0') >= now then break end
			  redis.call('ZREM', KEYS[2], first)
			  redis.call('HDEL', KEYS[3], first)
			end
			for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
			local g = redis.call('HMGET', KEYS[1], 'holder', 'held_until', 'last_sent', 'paused_until')
			if g[1] and tonumber(g[2]) > now then
			  return -1
			end
			local free = math.max(tonumber(g[3] or '0') + tonumber(ARGV[2]), tonumber(g[4] or '0'))
			if first ~= ARGV[1] then
			  -- An older attempt goes first: come back when the gate is free (or poll, if it is now).
			  if now < free then
			    redis.call('HSET', KEYS[3], ARGV[1], free + tonumber(ARGV[6]))
			    return math.max(1, free - now)
			  end
			  return -1
			end
			if now < free then
			  redis.call('HSET', KEYS[3], ARGV[1], free + tonumber(ARGV[6]))
			  return math.max(1, free - now)
			end
			redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'held_until', now + tonumber(ARGV[3]))
			redis.call('ZREM', KEYS[2], ARGV[1])
			redis.call('HDEL', KEYS[3], ARGV[1])
			return 0
			""", Long.class);

	/**
	 * KEYS[1] the gate; ARGV token, 1 when a request was written, expiry ms. @return µs
	 * since the write before, -1 when nothing was written
	 */
	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
			if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
			  redis.call('HDEL', KEYS[1], 'holder', 'held_until')
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			if ARGV[2] ~= '1' then
			  return -1
			end
			local last = tonumber(redis.call('HGET', KEYS[1], 'last_sent') or '0')
			if now > last then
			  redis.call('HSET', KEYS[1], 'last_sent', now)
			end
			return now - last
			""", Long.class);

	/** KEYS[1] the gate; ARGV pause µs, expiry ms. */
	private static final RedisScript<Long> PAUSE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
			local untilNow = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
			if now + tonumber(ARGV[1]) > untilNow then
			  redis.call('HSET', KEYS[1], 'paused_until', now + tonumber(ARGV[1]))
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[2])
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	private final List<String> key;

	private final List<String> keys;

	/**
	 * A replica waiting for the gate asks again within this (it polls every few ms, or
	 * comes back when it is free).
	 */
	private static final String BELIEVED_WAITING_MICROS = "100000";

	private final String token = UUID.randomUUID().toString();

	private final String holdMicros;

	private final String expiryMillis;

	private final LongSupplier nanoTime;

	/**
	 * When the gate was last seen to become free ({@code nanoTime}): the hint for
	 * expected waits.
	 */
	private volatile long freeAtHint;

	SharedSendGate(StringRedisTemplate redis, String key, Duration longestHold, LongSupplier nanoTime) {
		this.redis = redis;
		this.key = List.of(key);
		this.keys = List.of(key, key + ":waiting", key + ":waiting-until");
		this.holdMicros = Long.toString(longestHold.toNanos() / 1000);
		this.expiryMillis = Long.toString(Math.max(IDLE_EXPIRY.toMillis(), longestHold.toMillis() * 2));
		this.nanoTime = nanoTime;
		this.freeAtHint = nanoTime.getAsLong();
	}

	@Override
	public long tryTake(long intervalNanos, long ticket) {
		Long answer = REDIS.call("the shared KeyAPI send gate",
				() -> this.redis.execute(TAKE, this.keys, this.token, Long.toString(intervalNanos / 1000),
						this.holdMicros, this.expiryMillis, Long.toString(ticket), BELIEVED_WAITING_MICROS));
		long micros = (answer != null) ? answer : HELD_ELSEWHERE;
		long now = this.nanoTime.getAsLong();
		if (micros == 0) {
			this.freeAtHint = now + intervalNanos;
			return 0;
		}
		if (micros == HELD_ELSEWHERE) {
			this.freeAtHint = now + intervalNanos;
			return HELD_ELSEWHERE;
		}
		long wait = TimeUnit.MICROSECONDS.toNanos(micros);
		this.freeAtHint = now + wait;
		return wait;
	}

	@Override
	public long release(long sentAtNanos) {
		Long sinceLast = run(RELEASE, this.token, (sentAtNanos != Long.MIN_VALUE) ? "1" : "0", this.expiryMillis);
		return (sinceLast != null && sinceLast >= 0) ? TimeUnit.MICROSECONDS.toNanos(sinceLast) : -1;
	}

	@Override
	public void pause(Duration wait) {
		run(PAUSE, Long.toString(wait.toNanos() / 1000), this.expiryMillis);
		this.freeAtHint = Math.max(this.freeAtHint, this.nanoTime.getAsLong() + wait.toNanos());
	}

	@Override
	public long nanosUntilFree(long intervalNanos) {
		return Math.max(0, this.freeAtHint - this.nanoTime.getAsLong());
	}

	private Long run(RedisScript<Long> script, String... args) {
		return REDIS.call("the shared KeyAPI send gate", () -> this.redis.execute(script, this.key, (Object[]) args));
	}

}
