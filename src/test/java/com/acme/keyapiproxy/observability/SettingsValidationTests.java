package com.acme.keyapiproxy.observability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import com.acme.keyapiproxy.cache.CacheProperties;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.upstream.KeyApiProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** A duration that makes no sense stops the start, and the failure names the property. */
class SettingsValidationTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(AllSettings.class)
		.withPropertyValues("keyapi.api-key=sk_test_settings");

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					keyapi.timeout=0s                  | keyapi.timeout            | must be a positive duration
					keyapi.quota-cooldown=-5m          | keyapi.quotaCooldown      | must be a positive duration
					keyapi.rate-limit.max-wait=0ms     | keyapi.rateLimit.maxWait  | must be a positive duration
					keyapi.retry.initial-backoff=0s    | keyapi.retry.initialBackoff | must be a positive duration
					keyapi.circuit-breaker.open-for=0s | keyapi.circuitBreaker.openFor | must be a positive duration
					keyapi.retry.initial-backoff=10s   | keyapi.retry.initial-backoff (PT10S) is above keyapi.retry.max-backoff (PT5S) | the first wait cannot exceed the longest
					proxy.cache.ttl=0s                 | proxy.cache.ttl           | must be a positive duration
					proxy.cache.stale-ttl=-1d          | proxy.cache.staleTtl      | must be a positive duration
					proxy.shared.lease-ttl=0s          | proxy.shared.leaseTtl     | must be a positive duration
					""")
	void aDurationThatMakesNoSenseStopsTheStartNamingTheProperty(String setting, String named, String reason) {
		this.contexts.withPropertyValues(setting).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(causes(context.getStartupFailure())).contains(named, reason);
		});
	}

	@ParameterizedTest
	@CsvSource({ "keyapi.retry.initial-backoff=5s", "proxy.cache.ttl=1ms" })
	void theEdgesOfWhatMakesSenseStart(String setting) {
		this.contexts.withPropertyValues(setting).run((context) -> assertThat(context).hasNotFailed());
	}

	private static String causes(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ KeyApiProperties.class, CacheProperties.class, SharedStateProperties.class })
	static class AllSettings {

	}

}
