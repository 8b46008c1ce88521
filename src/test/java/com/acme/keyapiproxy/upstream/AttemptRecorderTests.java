package com.acme.keyapiproxy.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptRecorderTests {

	/**
	 * Prometheus' increase() cannot see a series' first sample: an alert on 402s must
	 * find the series at 0.
	 */
	@Test
	void everyStatusAnAlertReadsIsASeriesAtZeroBeforeAnyAttempt() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();

		new AttemptRecorder(registry);

		for (String status : new String[] { "200", "402", "429", "500", "io_error", "timeout" }) {
			Counter requests = registry.find("keyapi.proxy.upstream.requests").tag("status", status).counter();
			assertThat(requests).as("status %s", status).isNotNull();
			assertThat(requests.count()).as("status %s", status).isZero();
		}
	}

}
