package com.acme.keyapiproxy.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The shared mode's part of the page cache, in Redis: the second level under each
 * replica's Caffeine cache, the leases that elect one replica to fetch a page, and the
 * invalidations every replica must apply.
 * <ul>
 * <li>Pages: one hash per influencer, {@code <prefix>pages:<userId>}, field = page
 * number, value = {@link StoredPageCodec} bytes, plus the field
 * {@value #SUPERSEDED_BEFORE}: deeper pages fetched before that instant are superseded.
 * The hash lives as long as a page's fresh and stale windows together after its latest
 * write; older pages in it are not answered.</li>
 * <li>Leases: {@code <prefix>lease:<userId>:<page>}, taken only when absent, with a
 * {@code PX} of {@code proxy.shared.lease-ttl}, holding the holder's fencing token;
 * renewed while it fetches, deleted (by the holder only) when it is done, expiring when
 * the holder dies or stops (a pause, a long GC).</li>
 * <li>Fencing tokens: {@code <prefix>fence:<userId>:<page>}, a counter ({@code INCR})
 * that issues each lease of the page a number higher than any before, kept as long as a
 * page. A holder's token is compared with it (in the same Lua script) before its request
 * is sent and before its page is stored: a holder that was paused past its lease and
 * whose page another replica took over has a lower token, and is refused both.</li>
 * <li>Invalidations: published on {@code <prefix>invalidations} (purges and
 * supersessions).</li>
 * </ul>
 * Thread-safe.
 */
final class SharedPages {

	static final String SUPERSEDED_BEFORE = "superseded-before";

	private static final Logger log = LoggerFactory.getLogger(SharedPages.class);

	private static final Duration UNREACHABLE_FOR = Duration.ofSeconds(1);

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

	/**
	 * Stores a fetched page unless a lease newer than the fetcher's was issued since: 0
	 * when refused.
	 */
	private static final RedisScript<Long> STORE_FENCED = RedisScript.of("""
			if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
			redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
			redis.call('PEXPIRE', KEYS[1], ARGV[4])
			return 1
			""", Long.class);

	private final RedisTemplate<String, byte[]> redis;

	private final SharedStateProperties shared;

	private final Duration retention;

	/** Until when ({@code nanoTime}) calls fail at once, after one failed. */
	private volatile long unreachableUntil = System.nanoTime();

	SharedPages(RedisConnectionFactory connections, SharedStateProperties shared, CacheProperties cache) {
		this.redis = new RedisTemplate<>();
		this.redis.setConnectionFactory(connections);
		this.redis.setKeySerializer(RedisSerializer.string());
		this.redis.setHashKeySerializer(RedisSerializer.string());
		this.redis.setValueSerializer(RedisSerializer.byteArray());
		this.redis.setHashValueSerializer(RedisSerializer.byteArray());
		this.redis.afterPropertiesSet();
		this.shared = shared;
		this.retention = cache.ttl().plus(cache.staleTtl());
	}

	/**
	 * Has every purge and supersession published by a replica (this one's own included)
	 * applied here, from now on. The subscription starts in the background, retried every
	 * second while Redis cannot be reached (so a replica starts without it); once
	 * started, the container recovers it by itself.
	 */
	void subscribe(RedisMessageListenerContainer listeners, Consumer<Invalidation> apply) {
		listeners.addMessageListener((message, pattern) -> {
			try {
				apply.accept(Invalidation.decode(new String(message.getBody(), StandardCharsets.UTF_8)));
			}
			catch (IllegalArgumentException unreadable) {
				log.warn("Ignoring an unreadable cache invalidation: {}", unreadable.getMessage());
			}
		}, new ChannelTopic(invalidationChannel()));
		CompletableFuture.runAsync(() -> startListening(listeners));
	}

	private void startListening(RedisMessageListenerContainer listeners) {
		try {
			listeners.start();
		}
		catch (RuntimeException unreachable) {
			log.warn("Cannot subscribe to cache invalidations yet ({}); retrying", unreachable.getMessage());
			CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> startListening(listeners));
		}
	}

	Duration leaseTtl() {
		return this.shared.leaseTtl();
	}

	/**
	 * The page another replica stored, if any and not past its stale window.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	@Nullable StoredPage get(PageKey key, Instant now) {
		List<byte[]> fields = call("reading a cached page", () -> this.redis.<String, byte[]>opsForHash()
			.multiGet(pagesKey(key.userId()), List.of(Integer.toString(key.page()), SUPERSEDED_BEFORE)));
		byte[] encoded = fields.get(0);
		if (encoded == null) {
			return null;
		}
		StoredPage page;
		try {
			page = StoredPageCodec.decode(encoded, false);
		}
		catch (IllegalArgumentException unreadable) {
			log.warn("Ignoring an unreadable shared page {} ({})", key, unreadable.getMessage());
			return null;
		}
		if (!page.fetchedAt().plus(this.retention).isAfter(now)) {
			return null;
		}
		byte[] supersededBefore = fields.get(1);
		boolean superseded = key.page() != 1 && supersededBefore != null
				&& page.fetchedAt().isBefore(Instant.parse(new String(supersededBefore, StandardCharsets.UTF_8)));
		return superseded ? page.markedSuperseded() : page;
	}

	/**
	 * Stores a page this replica fetched under its lease, for every replica; kept for its
	 * fresh and stale windows.
	 * @return whether it was stored: not when another replica has taken the page's fetch
	 * over since the lease was taken (its page, newer or on its way, wins)
	 */
	boolean put(Lease lease, StoredPage page) {
		PageKey key = lease.key();
		Long stored = call("storing a cached page",
				() -> this.redis.execute(STORE_FENCED, List.of(pagesKey(key.userId()), fenceKey(key)),
						bytes(lease.token()), bytes(key.page()), StoredPageCodec.encode(page),
						bytes(this.retention.toMillis())));
		return stored != null && stored == 1;
	}

	/**
	 * Claims the fetch of a page for this replica, with a fencing token higher than any
	 * lease of it had before.
	 * @return the lease, or {@code null} when another replica holds it
	 */
	@Nullable Lease tryLease(PageKey key) {
		Long token = call("taking a fetch lease", () -> this.redis.execute(TAKE, List.of(leaseKey(key), fenceKey(key)),
				bytes(this.shared.leaseTtl().toMillis()), bytes(this.retention.toMillis())));
		return (token != null && token > 0) ? new Lease(key, token) : null;
	}

	boolean isLeased(PageKey key) {
		return Boolean.TRUE.equals(call("reading a fetch lease", () -> this.redis.hasKey(leaseKey(key))));
	}

	/**
	 * Extends a lease this replica holds, for a whole {@code lease-ttl} from now; takes
	 * it back if it expired and nobody took it since.
	 * @return whether this replica holds it now: {@code false} once another replica has
	 * taken the fetch over
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	boolean hold(Lease lease) {
		Long held = call("holding a fetch lease",
				() -> this.redis.execute(HOLD, List.of(leaseKey(lease.key()), fenceKey(lease.key())),
						bytes(lease.token()), bytes(this.shared.leaseTtl().toMillis())));
		return held != null && held == 1;
	}

	/**
	 * Gives a lease up, if this replica still holds it; never fails (an unreleased lease
	 * expires by itself).
	 */
	void release(Lease lease) {
		try {
			this.redis.execute(RELEASE, List.of(leaseKey(lease.key())), bytes(lease.token()));
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the fetch lease of {}; it expires in {}", lease.key(), this.shared.leaseTtl());
		}
	}

	/**
	 * Marks an influencer's deeper pages fetched before {@code before} superseded, here
	 * and on every replica.
	 */
	void supersede(String userId, Instant before) {
		call("superseding cached pages", () -> {
			this.redis.opsForHash()
				.put(pagesKey(userId), SUPERSEDED_BEFORE, before.toString().getBytes(StandardCharsets.UTF_8));
			return publish(Invalidation.superseded(userId, before));
		});
	}

	/** Drops an influencer's pages here and has every replica drop its own copies. */
	void purge(String userId) {
		call("purging cached pages", () -> {
			this.redis.delete(pagesKey(userId));
			return publish(Invalidation.purged(userId));
		});
	}

	/** Drops every page here and has every replica drop its own copies. */
	void purgeAll() {
		call("purging cached pages", () -> {
			List<String> keys = new ArrayList<>();
			ScanOptions pattern = ScanOptions.scanOptions().match(this.shared.key("pages:*")).count(1000).build();
			try (Cursor<String> cursor = this.redis.scan(pattern)) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				this.redis.delete(keys);
			}
			return publish(Invalidation.purgedAll());
		});
	}

	private Long publish(Invalidation invalidation) {
		return this.redis.convertAndSend(invalidationChannel(),
				invalidation.encoded().getBytes(StandardCharsets.UTF_8));
	}

	private String invalidationChannel() {
		return this.shared.key("invalidations");
	}

	private String pagesKey(String userId) {
		return this.shared.key("pages:" + userId);
	}

	private String leaseKey(PageKey key) {
		return this.shared.key("lease:" + key.userId() + ":" + key.page());
	}

	private String fenceKey(PageKey key) {
		return this.shared.key("fence:" + key.userId() + ":" + key.page());
	}

	private static byte[] bytes(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Runs a Redis command; for a second after one failed, fails at once instead: a Redis
	 * that hangs (no connection reset, so Lettuce has not noticed) must not cost every
	 * hit and miss a timeout of its own.
	 */
	private <T> T call(String what, Supplier<T> command) {
		if (System.nanoTime() - this.unreachableUntil < 0) {
			throw new SharedStateUnavailable(what + " (it failed less than a second ago)", null);
		}
		try {
			return SharedStateUnavailable.unlessUnreachable(what, command);
		}
		catch (SharedStateUnavailable unreachable) {
			this.unreachableUntil = System.nanoTime() + UNREACHABLE_FOR.toNanos();
			throw unreachable;
		}
	}

	/**
	 * A replica's claim to fetch one page.
	 *
	 * @param token its fencing token: higher than that of every lease of the page before
	 * it
	 */
	record Lease(PageKey key, long token) {
	}

}
