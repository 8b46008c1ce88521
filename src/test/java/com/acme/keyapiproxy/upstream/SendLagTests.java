package com.acme.keyapiproxy.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SendLagTests {

	private final SendLag lag = new SendLag();

	@Test
	void beforeAnyWriteNothingIsLetThroughEarly() {
		assertThat(this.lag.lowest()).isZero();
	}

	@Test
	void theLowestOfTheLastSixteenCountsSoOneFastWriteLowersItAndAnOldOneIsForgotten() {
		this.lag.record(300_000);
		for (int i = 0; i < 15; i++) {
			this.lag.record(1_000_000 + i);
		}
		assertThat(this.lag.lowest()).isEqualTo(300_000);

		this.lag.record(2_000_000);

		assertThat(this.lag.lowest()).as("the 300 µs write is now 17 writes old").isEqualTo(1_000_000);
	}

}
