package com.acme.keyapiproxy.support;

import java.net.URI;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One connection to the test run's {@link SharedRedis}, for tests of a shared-mode
 * adapter without Spring: opened on first use, ended with the test JVM. Each test keeps
 * to a key prefix of its own.
 */
public final class RedisConnection {

	private RedisConnection() {
	}

	public static StringRedisTemplate template() {
		return Holder.TEMPLATE;
	}

	private static final class Holder {

		private static final StringRedisTemplate TEMPLATE = connect(SharedRedis.get());

		private static StringRedisTemplate connect(SharedRedis redis) {
			URI url = URI.create(redis.url());
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(url.getHost(), url.getPort());
			configuration.setPassword(redis.password());
			LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
			factory.afterPropertiesSet();
			factory.start();
			return new StringRedisTemplate(factory);
		}

	}

}
