package com.acme.keyapiproxy.upstream.shared;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.upstream.SharedPacing;

/**
 * Every replica's attempts in line, in two Redis hashes (replica → count, replica → when
 * last heard of, by Redis's clock). A replica adds its new attempt and learns the others'
 * count in one script, so misses arriving on several replicas at once are each judged
 * against the whole line; it takes an attempt off on a thread of its own, and every
 * {@link #EVERY} writes its exact count again (so a lost update does not last). A replica
 * not heard of for {@link #FORGOTTEN_AFTER} (stopped, or dead) no longer counts.
 * <p>
 * Thread-safe. When Redis cannot be reached, the others' last known count stands (the
 * send gate refuses those misses anyway).
 */
final class SharedUpstreamBacklog implements SharedPacing.Backlog {

	static final Duration EVERY = Duration.ofMillis(200);

	static final Duration FORGOTTEN_AFTER = Duration.ofSeconds(2);

	private static final Logger log = LoggerFactory.getLogger(SharedUpstreamBacklog.class);

	/**
	 * KEYS[1] counts, KEYS[2] last heard of (ms), KEYS[3] the ticket counter; ARGV
	 * replica, change ('1', '-1') or '=' and the exact count, forget after ms. @return
	 * the other replicas' count, and a ticket when one joined (else 0)
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> EXCHANGE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			if ARGV[2] == '=' then
			  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			else
			  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
			end
			redis.call('HSET', KEYS[2], ARGV[1], now)
			local others = 0
			local heard = redis.call('HGETALL', KEYS[2])
			for i = 1, #heard, 2 do
			  if heard[i] ~= ARGV[1] then
			    if now - tonumber(heard[i + 1]) > tonumber(ARGV[4]) * 30 then
			      redis.call('HDEL', KEYS[1], heard[i])
			      redis.call('HDEL', KEYS[2], heard[i])
			    elseif now - tonumber(heard[i + 1]) <= tonumber(ARGV[4]) then
			      others = others + math.max(0, tonumber(redis.call('HGET', KEYS[1], heard[i]) or '0'))
			    end
			  end
			end
			local ticket = 0
			if ARGV[2] == '1' then ticket = redis.call('INCR', KEYS[3]) end
			return { others, ticket }
			""", List.class);

	private final StringRedisTemplate redis;

	private final List<String> keys;

	private final String replica = UUID.randomUUID().toString();

	private final String forgetAfter = Long.toString(FORGOTTEN_AFTER.toMillis());

	private final ScheduledExecutorService updates = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "keyapi-backlog");
		thread.setDaemon(true);
		return thread;
	});

	private volatile int elsewhere;

	private volatile boolean unreachable;

	SharedUpstreamBacklog(StringRedisTemplate redis, String key) {
		this.redis = redis;
		this.keys = List.of(key + ":counts", key + ":heard", key + ":tickets");
	}

	/**
	 * Starts writing this replica's exact count, as {@code mine} tells it, every
	 * {@link #EVERY}.
	 */
	@Override
	public void publish(IntSupplier mine) {
		this.updates.scheduleWithFixedDelay(() -> exchange("=", Integer.toString(mine.getAsInt())), 0, EVERY.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public Place joined() {
		return exchange("1", "");
	}

	@Override
	public void left() {
		try {
			this.updates.execute(() -> exchange("-1", ""));
		}
		catch (RejectedExecutionException stopping) {
			// Closed: this replica's count is dropped with it.
		}
	}

	@Override
	public int elsewhere() {
		return this.elsewhere;
	}

	@Override
	public void close() {
		this.updates.shutdownNow();
		try {
			this.redis.opsForHash().delete(this.keys.get(0), this.replica);
			this.redis.opsForHash().delete(this.keys.get(1), this.replica);
		}
		catch (RuntimeException ex) {
			// Forgotten by the others after a while anyway.
		}
	}

	private Place exchange(String change, String count) {
		try {
			List<?> answer = this.redis.execute(EXCHANGE, this.keys, this.replica, change, count, this.forgetAfter);
			if (answer != null && answer.size() == 2) {
				this.elsewhere = ((Number) answer.get(0)).intValue();
				this.unreachable = false;
				return new Place(((Number) answer.get(1)).longValue(), this.elsewhere);
			}
		}
		catch (RuntimeException ex) {
			if (!this.unreachable) {
				this.unreachable = true;
				log.warn("Could not exchange upstream backlogs with the other replicas: {}", ex.getMessage());
			}
		}
		return new Place(0, this.elsewhere);
	}

}
