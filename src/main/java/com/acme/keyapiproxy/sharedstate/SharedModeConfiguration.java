package com.acme.keyapiproxy.sharedstate;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Shared mode, on when {@code spring.data.redis.url} is set. Boot's Redis
 * auto-configuration is excluded from the application (so a single instance starts no
 * Redis client at all) and brought in here: Spring Data Redis on Lettuce (with the
 * listener container that carries cache invalidations between replicas), and the
 * {@code redis} health contributor, which the readiness group includes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedMode
@Import({ DataRedisAutoConfiguration.class, DataRedisHealthContributorAutoConfiguration.class })
class SharedModeConfiguration {

	static final String SWITCH = "spring.data.redis.url";

	/**
	 * Lettuce's reconnection backs off up to 30 s by default; a replica out of the
	 * Service for half a minute after Redis is back is capacity lost for nothing.
	 * Reconnection attempts here back off up to one second.
	 */
	@Bean
	ClientResourcesBuilderCustomizer reconnectWithinASecond() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * While the connection is down, commands fail at once instead of queueing until Redis
	 * returns: a miss is refused quickly, and the reconnection goes on behind it.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhileDisconnected() {
		return (options) -> options.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

}
