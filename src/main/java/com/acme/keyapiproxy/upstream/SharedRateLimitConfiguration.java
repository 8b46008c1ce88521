package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.Objects;

import io.lettuce.core.RedisClient;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.sharedstate.ConditionalOnSharedMode;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;

/** In shared mode, KeyAPI's QPS is one bucket in Redis for every replica, on the client Boot configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedMode
class SharedRateLimitConfiguration {

	@Bean
	SharedUpstreamPermits sharedUpstreamPermits(LettuceConnectionFactory connections, StringRedisTemplate commands,
			DataRedisProperties redis, SharedStateProperties shared, KeyApiProperties keyApi) {
		return new SharedUpstreamPermits((RedisClient) connections.getRequiredNativeClient(), commands,
				shared.key("keyapi-rate-limit"),
				UpstreamSlots.interval(keyApi.rateLimit().qps()).plus(SharedUpstreamPermits.EXTRA_MARGIN), Objects.requireNonNullElse(redis.getTimeout(), Duration.ofSeconds(1)));
	}

}
