package com.acme.keyapiproxy.upstream;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The learned rate on a hand-moved wall clock: what a refusal lowers, how it climbs back,
 * when it is forgotten.
 */
class AdaptiveRateTests {

	private final AtomicLong now = new AtomicLong(1_764_000_000_000L);

	private final LocalLearnedLimits learned = new LocalLearnedLimits();

	private final AdaptiveRate rate = new AdaptiveRate(5, this.learned, this.now::get);

	@Test
	void untilKeyApiRefusesTheRateIsTheConfiguredOne() {
		assertThat(this.rate.perSecond()).isEqualTo(5);
		assertThat(this.rate.intervalNanos()).isEqualTo(205_000_000L);
	}

	@Test
	void aRefusalDropsTheRateToThreeQuartersThenItClimbsTwoPercentOfQpsASecond() {
		this.rate.refusedForLimit(this.now.get());

		assertThat(this.rate.perSecond()).isEqualTo(3.75);
		advanceSeconds(5);
		assertThat(this.rate.perSecond()).isCloseTo(4.25, within(1e-9));
	}

	@Test
	void theRefusedRateStaysACeilingForTenMinutesThenTheRateProbesOnToQps() {
		this.rate.refusedForLimit(this.now.get());

		advanceSeconds(60);
		assertThat(this.rate.perSecond()).as("held below 90 %% of the 5/s refused").isCloseTo(4.5, within(1e-9));
		advanceSeconds(9 * 60);
		assertThat(this.rate.perSecond()).isCloseTo(4.5, within(1e-9));
		advanceSeconds(4);
		assertThat(this.rate.perSecond()).isCloseTo(4.9, within(1e-9));
		advanceSeconds(1);
		assertThat(this.rate.perSecond()).isEqualTo(5);
		assertThat(this.learned.read()).as("back at qps, what was learned is forgotten").isNull();
	}

	@Test
	void refusalsOfRequestsSentBeforeTheDecreaseAreOneDecreaseNotSeveral() {
		long sentTogether = this.now.get();
		advanceSeconds(0.05);
		this.rate.refusedForLimit(sentTogether);
		advanceSeconds(0.05);

		this.rate.refusedForLimit(sentTogether);
		this.rate.refusedForLimit(sentTogether + 20);

		assertThat(this.rate.perSecond()).isCloseTo(3.755, within(1e-9));
	}

	@Test
	void aRefusalAtTheLoweredRateLowersItAgainFromThereAndTheCeilingFollows() {
		this.rate.refusedForLimit(this.now.get());
		advanceSeconds(5);

		this.rate.refusedForLimit(this.now.get());

		assertThat(this.rate.perSecond()).isCloseTo(4.25 * 0.75, within(1e-9));
		advanceSeconds(60);
		assertThat(this.rate.perSecond()).isCloseTo(4.25 * 0.9, within(1e-9));
	}

	@Test
	void repeatedRefusalsNeverTakeTheRateBelowAFloor() {
		for (int i = 0; i < 50; i++) {
			this.rate.refusedForLimit(this.now.get());
			advanceSeconds(0.001);
		}

		assertThat(this.rate.perSecond()).isGreaterThanOrEqualTo(5 * LearnedLimit.FLOOR);
	}

	@Test
	void whatWasLearnedReadsBackFromItsRedisFormExactly() {
		LearnedLimit learnedLimit = LearnedLimit.refused(4.25, 5, this.now.get());

		assertThat(LearnedLimit.decode(learnedLimit.encoded())).isEqualTo(learnedLimit);
	}

	private void advanceSeconds(double seconds) {
		this.now.addAndGet((long) (seconds * 1000));
	}

}
