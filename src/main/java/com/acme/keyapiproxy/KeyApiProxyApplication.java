package com.acme.keyapiproxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The proxy. Redis is configured only in shared mode ({@code sharedstate}): its auto-configuration would otherwise
 * start a client for a Redis nobody asked for.
 */
@SpringBootApplication(excludeName = {
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ConfigurationPropertiesScan
public class KeyApiProxyApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeyApiProxyApplication.class, args);
	}

}
