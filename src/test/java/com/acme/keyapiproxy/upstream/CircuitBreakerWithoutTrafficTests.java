package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open circuit half-opens when its wait is over, not when the next miss comes: with no
 * traffic after an outage, the breaker's "open" gauge (which
 * {@code KeyApiCircuitBreakerOpen} reads) must not stay up until someone calls. The real
 * clock: Resilience4j schedules that transition on its own timer.
 */
@TestPropertySource(
		properties = { "keyapi.rate-limit.qps=50", "keyapi.retry.max-attempts=1", "keyapi.circuit-breaker.window=4",
				"keyapi.circuit-breaker.minimum-calls=4", "keyapi.circuit-breaker.open-for=2s", "keyapi.timeout=3s" })
class CircuitBreakerWithoutTrafficTests extends ProxyIntegrationTest {

	private static final String OPEN = "state=\"open\"";

	private static final String HALF_OPEN = "state=\"half_open\"";

	@Test
	void withNoTrafficAtAllTheBreakerLeavesOpenAfterItsWaitAndItsOpenGaugeFallsToZero() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.vendorError(500)));
		for (int i = 0; i < 4; i++) {
			assertThat(this.proxy.get("/influencers/" + (33_000 + i) + "/livestreams").statusCode()).isEqualTo(503);
		}
		assertThat(this.proxy.metric("resilience4j_circuitbreaker_state", OPEN)).as("opened").isEqualTo(1);

		Eventually.until("the open gauge falls to 0 with no miss at all", Duration.ofSeconds(10),
				() -> this.proxy.metric("resilience4j_circuitbreaker_state", OPEN) == 0);

		assertThat(this.proxy.metric("resilience4j_circuitbreaker_state", HALF_OPEN)).isEqualTo(1);
		keyApi.verify(4, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)));
	}

}
