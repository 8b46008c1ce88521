package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.Concurrently;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UpstreamSlotsTests {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final UpstreamSlots slots = new UpstreamSlots(5, Duration.ofSeconds(5), this.nanos::get);

	@Test
	void slotsAreSpacedOneFifthOfASecondPlusTheSafetyMarginApart() {
		assertThat(this.slots.reserve()).isZero();
		assertThat(this.slots.reserve()).isEqualTo(Duration.ofMillis(210));
		assertThat(this.slots.reserve()).isEqualTo(Duration.ofMillis(420));
	}

	@Test
	void anIdleLimiterDoesNotSaveUpABurst() {
		this.slots.reserve();
		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());

		assertThat(this.slots.reserve()).isZero();
		assertThat(this.slots.reserve()).as("no credit for the idle 10 s").isEqualTo(Duration.ofMillis(210));
	}

	@Test
	void aSlotFurtherThanTheLongestWaitIsRefusedWithTheSecondsUntilTheQueueDrains() {
		for (int i = 0; i < 24; i++) {
			assertThat(this.slots.reserve()).isLessThanOrEqualTo(Duration.ofSeconds(5));
		}

		assertThatExceptionOfType(UpstreamBusy.class).isThrownBy(this.slots::reserve)
			.satisfies((busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(6)));
		assertThat(this.slots.queueDrainsIn()).as("a refusal takes no slot").isEqualTo(Duration.ofMillis(24 * 210));
	}

	@Test
	void theRetryAfterOfARefusalIsAtLeastOneSecond() {
		UpstreamSlots impatient = new UpstreamSlots(5, Duration.ZERO, this.nanos::get);
		impatient.reserve();

		assertThatExceptionOfType(UpstreamBusy.class).isThrownBy(impatient::reserve)
			.satisfies((busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
	}

	@Test
	void aSendIsHeldBackWhenTheOneBeforeWentOutLate() {
		assertThat(this.slots.delayBeforeSending()).isZero();
		this.nanos.addAndGet(Duration.ofMillis(50).toNanos());

		assertThat(this.slots.delayBeforeSending()).isEqualTo(Duration.ofMillis(160));
		this.nanos.addAndGet(Duration.ofMillis(160).toNanos());
		assertThat(this.slots.delayBeforeSending()).isZero();
	}

	@Test
	void concurrentReservationsNeverShareASlot() throws Exception {
		UpstreamSlots patient = new UpstreamSlots(5, Duration.ofHours(1), this.nanos::get);

		List<Duration> waits = Concurrently.run(64, (caller) -> patient.reserve());

		assertThat(waits).doesNotHaveDuplicates()
			.allSatisfy((wait) -> assertThat(wait.toNanos() % Duration.ofMillis(210).toNanos()).isZero());
		assertThat(waits.stream().max(Duration::compareTo)).hasValue(Duration.ofMillis(63 * 210));
	}

}
