package com.acme.keyapiproxy.upstream.shared;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.sharedstate.ConditionalOnSharedMode;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.upstream.KeyApiProperties;
import com.acme.keyapiproxy.upstream.SharedPacing;

/**
 * In shared mode, KeyAPI's QPS is one send gate and one learned rate in Redis for every
 * replica.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedMode
class SharedRateLimitConfiguration {

	@Bean
	SharedPacing sharedPacing(StringRedisTemplate redis, SharedStateProperties shared, KeyApiProperties keyApi) {
		return new SharedPacing(
				new SharedSendGate(redis, shared.key("keyapi-send-gate"), keyApi.longestSend(), System::nanoTime),
				new SharedLearnedLimits(redis, shared.key("keyapi-learned-limit")),
				new SharedUpstreamBacklog(redis, shared.key("keyapi-backlog")));
	}

}
