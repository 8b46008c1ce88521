package com.acme.keyapiproxy.cache;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import com.acme.keyapiproxy.sharedstate.ConditionalOnSharedMode;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;

/**
 * In shared mode, Redis is the second level under the page cache, and where replicas
 * agree who fetches a page.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedMode
class SharedPagesConfiguration {

	@Bean
	SharedPages sharedPages(RedisConnectionFactory connections, SharedStateProperties shared, CacheProperties cache) {
		return new SharedPages(connections, shared, cache);
	}

}
