package com.acme.keyapiproxy.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * Every replica's permits from one token bucket in Redis (Bucket4j on Lettuce): capacity one, refilled greedily
 * one token per interval, so permits are {@code interval} apart across all replicas together; and, as for a single
 * instance, a send gate behind them that keeps the actual sends one interval apart ({@link #sharedSendDelay()}). A permit is
 * <em>reserved</em> ({@code consumeIgnoringRateLimits}): the bucket goes into debt and tells how long until the
 * permit is due. Each replica holds at most one reservation at a time, so the debt never exceeds one interval per
 * replica.
 * <p>
 * Time is each replica's wall clock (Bucket4j's client-side clock), so replicas must run NTP: a skew between them
 * eats into the safety margin of the interval.
 * <p>
 * Thread-safe. The connection is opened on first use (retried until it succeeds), so a replica starts while Redis
 * is down and recovers when it returns.
 */
final class SharedUpstreamPermits implements UpstreamPermits, AutoCloseable {

	/**
	 * Added to the single instance's safety margin: the gate lets a send go, but the request still has to be written
	 * by one of several processes, each on its own path to KeyAPI, and a late one lands closer to the next. 25 ms a
	 * slot in all (125 ms over the five slots of a second at qps 5), for 7 % fewer slots at qps 5.
	 */
	static final Duration EXTRA_MARGIN = Duration.ofMillis(15);

	/** KEYS[1] the last send (µs, Redis time); ARGV interval (µs), key lifetime (ms). @return µs still to wait */
	private static final RedisScript<Long> SEND_GATE = RedisScript.of("""
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
			local last = tonumber(redis.call('GET', KEYS[1]) or '0')
			local interval = tonumber(ARGV[1])
			if now - last >= interval then
			  redis.call('SET', KEYS[1], now, 'PX', ARGV[2])
			  return 0
			end
			return interval - (now - last)
			""", Long.class);

	private final RedisClient client;

	private final StringRedisTemplate redis;

	private final String sendGateKey;

	private final byte[] key;

	private final Duration interval;

	private final Duration requestTimeout;

	private final BucketConfiguration configuration;

	/** When the last permit this replica reserved is due (wall clock, nanoseconds): a hint for expected waits. */
	private final AtomicLong lastDueAt = new AtomicLong();

	private @Nullable StatefulRedisConnection<byte[], byte[]> connection;

	private @Nullable BucketProxy bucket;

	SharedUpstreamPermits(RedisClient client, StringRedisTemplate redis, String key, Duration interval,
			Duration requestTimeout) {
		this.client = client;
		this.redis = redis;
		this.key = key.getBytes(StandardCharsets.UTF_8);
		this.sendGateKey = key + ":last-send";
		this.interval = interval;
		this.requestTimeout = requestTimeout;
		this.configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(1).refillGreedy(1, interval))
			.build();
	}

	@Override
	public Duration interval() {
		return this.interval;
	}

	@Override
	public long reserve() {
		try {
			long wait = Math.max(0, bucket().consumeIgnoringRateLimits(1));
			this.lastDueAt.set(nowNanos() + wait);
			return wait;
		}
		catch (RuntimeException ex) {
			throw new SharedStateUnavailable("the shared KeyAPI rate limit", ex);
		}
	}

	@Override
	public long nanosUntilFree() {
		return Math.max(0, this.lastDueAt.get() + this.interval.toNanos() - nowNanos());
	}

	/**
	 * Every replica's sends one interval apart at least, timed by Redis's own clock: a replica whose timer fired late
	 * (or whose thread was not scheduled) cannot send right behind another's on-time send.
	 */
	@Override
	public Duration sharedSendDelay() {
		Long wait = SharedStateUnavailable.unlessUnreachable("the shared KeyAPI send gate",
				() -> this.redis.execute(SEND_GATE, List.of(this.sendGateKey),
						Long.toString(this.interval.toNanos() / 1000), Long.toString(this.interval.toMillis() * 2)));
		return Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos((wait != null) ? wait : 0));
	}

	@Override
	public synchronized void close() {
		if (this.connection != null) {
			this.connection.close();
		}
	}

	/** Connects on first use; once connected, Lettuce reconnects the one connection by itself after a failure. */
	private synchronized BucketProxy bucket() {
		if (this.bucket == null) {
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.bucket = Bucket4jLettuce.casBasedBuilder(this.connection)
				.requestTimeout(this.requestTimeout)
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(this.interval))
				.build()
				.builder()
				.build(this.key, () -> this.configuration);
		}
		return this.bucket;
	}

	private static long nowNanos() {
		return System.currentTimeMillis() * 1_000_000L;
	}

}
