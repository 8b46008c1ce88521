package com.acme.keyapiproxy.cache.shared;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The leases that elect one replica to fetch a page, with fencing tokens.
 * <ul>
 * <li>A lease ({@link RedisKeys#lease}) is taken only when absent, with a {@code PX} of
 * {@code proxy.shared.lease-ttl}, holding the holder's fencing token; renewed while it
 * fetches, deleted (by the holder only) when it is done, expiring when the holder dies or
 * stops (a pause, a long GC).</li>
 * <li>The fencing counter ({@link RedisKeys#fence}, {@code INCR}) issues each lease of
 * the page a number higher than any before, and is kept as long as a page. A holder's
 * token is compared with it before its request is sent ({@link #hold}) and before its
 * page is stored ({@link RedisPageStore#storeFenced}): a holder that was paused past its
 * lease and whose page another replica took over has a lower token, and is refused
 * both.</li>
 * </ul>
 * Thread-safe.
 */
final class FetchLeases {

	private static final Logger log = LoggerFactory.getLogger(FetchLeases.class);

	/**
	 * Takes the lease when nobody holds it, with the page's next fencing token: 0 when
	 * another replica holds it.
	 */
	private static final RedisScript<Long> TAKE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			local token = redis.call('INCR', KEYS[2])
			redis.call('PEXPIRE', KEYS[2], ARGV[2])
			redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
			return token
			""", Long.class);

	/**
	 * Extends the lease of this token. A lease that expired without anyone taking it
	 * since (the page's latest token is still this one) is taken back: nobody else can be
	 * fetching the page. 0 when another replica took it over.
	 */
	private static final RedisScript<Long> HOLD = RedisScript.of("""
			local lease = redis.call('GET', KEYS[1])
			if lease == ARGV[1] or (not lease and redis.call('GET', KEYS[2]) == ARGV[1]) then
			  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			  return 1
			end
			return 0
			""", Long.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private final RedisTemplate<String, byte[]> redis;

	private final RedisKeys keys;

	private final RedisGuard guard;

	private final Duration ttl;

	/** How long the fencing counter is kept: as long as a page. */
	private final Duration fenceRetention;

	FetchLeases(RedisTemplate<String, byte[]> redis, RedisKeys keys, RedisGuard guard, Duration ttl,
			Duration fenceRetention) {
		this.redis = redis;
		this.keys = keys;
		this.guard = guard;
		this.ttl = ttl;
		this.fenceRetention = fenceRetention;
	}

	Duration ttl() {
		return this.ttl;
	}

	/**
	 * Claims the fetch of a page for this replica, with a fencing token higher than any
	 * lease of it had before.
	 * @return the lease, or {@code null} when another replica holds it
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	@Nullable FetchLease tryTake(PageKey key) {
		Long token = this.guard.call("taking a fetch lease",
				() -> this.redis.execute(TAKE, List.of(this.keys.lease(key), this.keys.fence(key)),
						bytes(this.ttl.toMillis()), bytes(this.fenceRetention.toMillis())));
		return (token != null && token > 0) ? new FetchLease(key, token) : null;
	}

	/**
	 * Whether a replica holds the page's lease now.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	boolean isTaken(PageKey key) {
		return Boolean.TRUE
			.equals(this.guard.call("reading a fetch lease", () -> this.redis.hasKey(this.keys.lease(key))));
	}

	/**
	 * Extends a lease this replica holds, for a whole {@code lease-ttl} from now; takes
	 * it back if it expired and nobody took it since.
	 * @return whether this replica holds it now: {@code false} once another replica has
	 * taken the fetch over
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	boolean hold(FetchLease lease) {
		Long held = this.guard.call("holding a fetch lease",
				() -> this.redis.execute(HOLD, List.of(this.keys.lease(lease.key()), this.keys.fence(lease.key())),
						lease.tokenBytes(), bytes(this.ttl.toMillis())));
		return held != null && held == 1;
	}

	/**
	 * Gives a lease up, if this replica still holds it; never fails (an unreleased lease
	 * expires by itself). Tried even while the guard fails fast: a lease given up is a
	 * page the other replicas need not wait for.
	 */
	void release(FetchLease lease) {
		try {
			this.redis.execute(RELEASE, List.of(this.keys.lease(lease.key())), lease.tokenBytes());
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the fetch lease of {}; it expires in {}", lease.key(), this.ttl);
		}
	}

	static byte[] bytes(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

}
