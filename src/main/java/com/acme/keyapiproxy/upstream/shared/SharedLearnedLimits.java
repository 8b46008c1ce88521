package com.acme.keyapiproxy.upstream.shared;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.upstream.LearnedLimit;
import com.acme.keyapiproxy.upstream.LearnedLimits;

/**
 * Every replica's {@link LearnedLimits}: one Redis string, replaced by compare-and-set.
 * Thread-safe.
 */
final class SharedLearnedLimits implements LearnedLimits {

	/** Redis failures named {@code SharedStateUnavailable}; every call is tried. */
	private static final RedisGuard REDIS = RedisGuard.translatingFailures();

	/**
	 * KEYS[1]; ARGV expected ('' for none), next ('' for none). @return 1 replaced, 0
	 * changed meanwhile
	 */
	private static final RedisScript<Long> REPLACE = RedisScript.of("""
			if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then
			  return 0
			end
			if ARGV[2] == '' then
			  redis.call('DEL', KEYS[1])
			else
			  redis.call('SET', KEYS[1], ARGV[2])
			end
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	private final String key;

	SharedLearnedLimits(StringRedisTemplate redis, String key) {
		this.redis = redis;
		this.key = key;
	}

	@Override
	public @Nullable LearnedLimit read() {
		String encoded = REDIS.call("the shared KeyAPI rate", () -> this.redis.opsForValue().get(this.key));
		return (encoded != null) ? LearnedLimit.decode(encoded) : null;
	}

	@Override
	public boolean replace(@Nullable LearnedLimit expected, @Nullable LearnedLimit next) {
		Long replaced = REDIS.call("the shared KeyAPI rate",
				() -> this.redis.execute(REPLACE, List.of(this.key), encoded(expected), encoded(next)));
		return Objects.equals(replaced, 1L);
	}

	private static String encoded(@Nullable LearnedLimit learned) {
		return (learned != null) ? learned.encoded() : "";
	}

}
