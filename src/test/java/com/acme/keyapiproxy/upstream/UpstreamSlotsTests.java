package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.Concurrently;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UpstreamSlotsTests {

	private static final Duration INTERVAL = Duration.ofMillis(210);

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final UpstreamSlots slots = slots(Duration.ofSeconds(5));

	@Test
	void slotsAreOneFifthOfASecondPlusTheSafetyMarginApart() {
		assertThat(UpstreamSlots.interval(5)).isEqualTo(INTERVAL);
		assertThat(this.slots.reserve()).isZero();
		assertThat(this.slots.reserve()).isEqualTo(INTERVAL);
		assertThat(this.slots.reserve()).isEqualTo(INTERVAL.multipliedBy(2));
	}

	@Test
	void anIdleLimiterDoesNotSaveUpABurst() {
		this.slots.reserve();
		advance(Duration.ofSeconds(10));

		assertThat(this.slots.reserve()).isZero();
		Duration second = this.slots.reserve();
		assertThat(second).as("no credit for the idle 10 s").isPositive().isLessThanOrEqualTo(INTERVAL);
		assertThat(this.slots.reserve()).isEqualTo(second.plus(INTERVAL));
	}

	@Test
	void aSlotFurtherThanTheLongestWaitIsRefusedWithTheWholeSecondsUntilTheQueueDrains() {
		for (int i = 0; i < 24; i++) {
			assertThat(this.slots.reserve()).isLessThanOrEqualTo(Duration.ofSeconds(5));
		}

		assertThatExceptionOfType(UpstreamBusy.class).isThrownBy(this.slots::reserve)
			.satisfies((busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(6)));
		assertThat(this.slots.queueDrainsIn()).as("a refusal takes no slot").isEqualTo(INTERVAL.multipliedBy(24));
	}

	@Test
	void theRetryAfterOfARefusalIsAtLeastOneSecond() {
		UpstreamSlots impatient = slots(Duration.ZERO);
		impatient.reserve();

		assertThatExceptionOfType(UpstreamBusy.class).isThrownBy(impatient::reserve)
			.satisfies((busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
	}

	@Test
	void permitsAtTheEndOfOneCycleAndTheStartOfTheNextAreStillSentAFullIntervalApart() {
		advance(Duration.ofMillis(200));
		assertThat(this.slots.reserve()).as("the first cycle's permit, taken late in it").isZero();
		assertThat(this.slots.delayBeforeSending()).isZero();

		Duration wait = this.slots.reserve();
		assertThat(wait).as("the next cycle starts 10 ms later").isEqualTo(Duration.ofMillis(10));
		advance(wait);

		assertThat(this.slots.delayBeforeSending()).isEqualTo(Duration.ofMillis(200));
		advance(Duration.ofMillis(200));
		assertThat(this.slots.delayBeforeSending()).isZero();
	}

	@Test
	void concurrentReservationsNeverShareASlot() throws Exception {
		UpstreamSlots patient = slots(Duration.ofHours(1));

		List<Duration> waits = Concurrently.run(64, (caller) -> patient.reserve());

		assertThat(waits).doesNotHaveDuplicates()
			.allSatisfy((wait) -> assertThat(wait.toNanos() % INTERVAL.toNanos()).isZero());
		assertThat(waits.stream().max(Duration::compareTo)).hasValue(INTERVAL.multipliedBy(63));
	}

	private UpstreamSlots slots(Duration maxWait) {
		AtomicRateLimiter admission = new AtomicRateLimiter("test",
				UpstreamSlots.admissionConfig(new KeyApiProperties.RateLimit(5, maxWait)), this.nanos::get);
		return new UpstreamSlots(admission, this.nanos::get);
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
