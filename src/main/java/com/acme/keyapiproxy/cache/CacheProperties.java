package com.acme.keyapiproxy.cache;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param ttl how long a page is fresh (KeyAPI's data changes once a day)
 * @param staleTtl how long after that it is kept, to answer when KeyAPI fails
 * @param maxSize bound on cached bytes (weighed, not counted)
 */
@Validated
@ConfigurationProperties("proxy.cache")
public record CacheProperties(
		@DefaultValue("6h") @NotNull @DurationMin(nanos = 1, message = "must be a positive duration") Duration ttl,
		@DefaultValue("7d") @NotNull @DurationMin(nanos = 1, message = "must be a positive duration") Duration staleTtl,
		@DefaultValue("256MB") @NotNull DataSize maxSize) {
}
