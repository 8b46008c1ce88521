package com.acme.keyapiproxy.cache.shared;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.cache.StoredPageCodec;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The pages every replica fetched: one hash per influencer ({@link RedisKeys#pages}),
 * field = page number, value = {@link StoredPageCodec} bytes, plus the field
 * {@value #SUPERSEDED_BEFORE}: deeper pages fetched before that instant are superseded.
 * The hash lives as long as a page's fresh and stale windows together after its latest
 * write; older pages in it are not answered.
 * <p>
 * Thread-safe.
 */
final class RedisPageStore {

	static final String SUPERSEDED_BEFORE = "superseded-before";

	private static final Logger log = LoggerFactory.getLogger(RedisPageStore.class);

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

	private final RedisKeys keys;

	private final RedisGuard guard;

	/** A page's fresh and stale windows together. */
	private final Duration retention;

	RedisPageStore(RedisTemplate<String, byte[]> redis, RedisKeys keys, RedisGuard guard, Duration retention) {
		this.redis = redis;
		this.keys = keys;
		this.guard = guard;
		this.retention = retention;
	}

	/**
	 * The page a replica stored, if any and not past its stale window.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	@Nullable StoredPage find(PageKey key, Instant now) {
		List<byte[]> fields = this.guard.call("reading a cached page", () -> this.redis.<String, byte[]>opsForHash()
			.multiGet(this.keys.pages(key.userId()), List.of(Integer.toString(key.page()), SUPERSEDED_BEFORE)));
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
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	boolean storeFenced(FetchLease lease, StoredPage page) {
		PageKey key = lease.key();
		Long stored = this.guard.call("storing a cached page",
				() -> this.redis.execute(STORE_FENCED, List.of(this.keys.pages(key.userId()), this.keys.fence(key)),
						lease.tokenBytes(), FetchLeases.bytes(key.page()), StoredPageCodec.encode(page),
						FetchLeases.bytes(this.retention.toMillis())));
		return stored != null && stored == 1;
	}

	/**
	 * Marks an influencer's pages but the first fetched before {@code before} superseded.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	void markSuperseded(String userId, Instant before) {
		this.guard.run("superseding cached pages", () -> this.redis.opsForHash()
			.put(this.keys.pages(userId), SUPERSEDED_BEFORE, before.toString().getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Drops an influencer's pages.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	void delete(String userId) {
		this.guard.run("purging cached pages", () -> this.redis.delete(this.keys.pages(userId)));
	}

	/**
	 * Drops every influencer's pages.
	 * @throws SharedStateUnavailable when Redis cannot be asked
	 */
	void deleteAll() {
		this.guard.run("purging cached pages", () -> {
			List<String> found = new ArrayList<>();
			ScanOptions pattern = ScanOptions.scanOptions()
				.match(this.keys.everyInfluencersPages())
				.count(1000)
				.build();
			try (Cursor<String> cursor = this.redis.scan(pattern)) {
				cursor.forEachRemaining(found::add);
			}
			if (!found.isEmpty()) {
				this.redis.delete(found);
			}
		});
	}

}
