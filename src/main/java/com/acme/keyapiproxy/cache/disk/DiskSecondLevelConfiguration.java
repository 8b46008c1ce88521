package com.acme.keyapiproxy.cache.disk;

import java.nio.file.Path;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.acme.keyapiproxy.cache.CacheProperties;
import com.acme.keyapiproxy.sharedstate.ConditionalOnSingleInstance;

/**
 * A single instance keeps its pages on disk, beside the credit ledger unless
 * {@code proxy.cache.disk.path} says where, so a restart costs nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleInstance
@ConditionalOnBooleanProperty(name = "proxy.cache.disk.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DiskCacheProperties.class)
class DiskSecondLevelConfiguration {

	@Bean
	DiskSecondLevel diskSecondLevel(DiskCacheProperties disk, CacheProperties cache,
			@Value("${proxy.budget.file:./data/credits}") Path ledgerFile, Clock clock, MeterRegistry meterRegistry) {
		return new DiskSecondLevel(disk.directory(ledgerFile), disk.maxSize().toBytes(),
				cache.ttl().plus(cache.staleTtl()), clock, meterRegistry);
	}

}
