package com.acme.keyapiproxy.sharedstate;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code spring.data.redis.url} nothing of shared mode exists: no Redis client,
 * no redis health.
 */
class SingleInstanceTests extends ProxyIntegrationTest {

	@Autowired
	private ApplicationContext context;

	@Test
	void noRedisClientStartsAndHealthDoesNotMentionRedis() {
		assertThat(this.context.getBeanNamesForType(RedisConnectionFactory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(org.springframework.data.redis.core.RedisTemplate.class)).isEmpty();
		assertThat(this.proxy.management("/actuator/health").body()).doesNotContain("redis");
		assertThat(this.proxy.management("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

}
