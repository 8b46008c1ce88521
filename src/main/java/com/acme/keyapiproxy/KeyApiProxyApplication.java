package com.acme.keyapiproxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;

/**
 * The proxy. Redis is configured only in shared mode ({@code sharedstate}): its
 * auto-configuration would otherwise start a client for a Redis nobody asked for.
 * <p>
 * The {@code @ComponentScan} declared here takes the place of
 * {@code @SpringBootApplication}'s own (Spring uses a directly declared one instead of a
 * meta-annotation's), with the same two exclusions and one more: a
 * {@link ManagementContextConfiguration} is Boot's to load into the management server's
 * context; scanned, it would land in the API's context as well.
 */
@SpringBootApplication(excludeName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ComponentScan(excludeFilters = { @Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
		@Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
		@Filter(ManagementContextConfiguration.class) })
@ConfigurationPropertiesScan
public class KeyApiProxyApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeyApiProxyApplication.class, args);
	}

}
