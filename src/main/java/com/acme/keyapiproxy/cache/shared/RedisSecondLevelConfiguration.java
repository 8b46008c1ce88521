package com.acme.keyapiproxy.cache.shared;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

import com.acme.keyapiproxy.cache.CacheProperties;
import com.acme.keyapiproxy.sharedstate.ConditionalOnSharedMode;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;

/**
 * In shared mode, Redis is the page cache's second level, and where replicas agree who
 * fetches a page.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedMode
class RedisSecondLevelConfiguration {

	/**
	 * How long the page cache's Redis calls fail at once after one failed: one guard for
	 * the store, the leases and the invalidations, since they share one Redis.
	 */
	static final Duration FAIL_FAST_FOR = Duration.ofSeconds(1);

	@Bean
	RedisSecondLevel redisSecondLevel(RedisConnectionFactory connections, SharedStateProperties shared,
			CacheProperties cache, Clock clock, ObjectProvider<RedisMessageListenerContainer> listeners) {
		RedisTemplate<String, byte[]> redis = pageTemplate(connections);
		RedisKeys keys = new RedisKeys(shared);
		RedisGuard guard = RedisGuard.failingFastFor(FAIL_FAST_FOR, System::nanoTime);
		Duration retention = cache.ttl().plus(cache.staleTtl());
		return new RedisSecondLevel(new RedisPageStore(redis, keys, guard, retention),
				new FetchLeases(redis, keys, guard, shared.leaseTtl(), retention),
				new CacheInvalidations(redis, keys, guard), listeners.getIfAvailable(), clock);
	}

	static RedisTemplate<String, byte[]> pageTemplate(RedisConnectionFactory connections) {
		RedisTemplate<String, byte[]> redis = new RedisTemplate<>();
		redis.setConnectionFactory(connections);
		redis.setKeySerializer(RedisSerializer.string());
		redis.setHashKeySerializer(RedisSerializer.string());
		redis.setValueSerializer(RedisSerializer.byteArray());
		redis.setHashValueSerializer(RedisSerializer.byteArray());
		redis.afterPropertiesSet();
		return redis;
	}

}
