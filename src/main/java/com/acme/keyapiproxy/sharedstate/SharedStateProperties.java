package com.acme.keyapiproxy.sharedstate;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of shared mode (used only when {@code spring.data.redis.url} is set).
 *
 * @param keyPrefix put before every Redis key and channel of the proxy, so several
 * deployments can share one Redis
 * @param leaseTtl how long a replica's claim to fetch a page lasts without being renewed:
 * the longest others wait for a page whose fetching replica died
 */
@Validated
@ConfigurationProperties("proxy.shared")
public record SharedStateProperties(@DefaultValue("keyapi-proxy:") @NotBlank String keyPrefix,
		@DefaultValue("5s") @NotNull @DurationMin(nanos = 1,
				message = "must be a positive duration") Duration leaseTtl) {

	/** The Redis key of one piece of shared state. */
	public String key(String name) {
		return this.keyPrefix + name;
	}

}
