package com.acme.keyapiproxy.upstream;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * KeyAPI's state as seen from here (circuit breaker, quota cooldown, slot queue) as a
 * detail of {@code /actuator/health}. Always UP: a KeyAPI outage is what the cache is
 * for, and must not take replicas out of service; readiness and liveness do not include
 * it.
 */
@Component("keyApi")
class KeyApiHealth implements HealthIndicator {

	private final KeyApiClient keyApi;

	KeyApiHealth(KeyApiClient keyApi) {
		this.keyApi = keyApi;
	}

	@Override
	public Health health() {
		return Health.up().withDetails(this.keyApi.state()).build();
	}

}
