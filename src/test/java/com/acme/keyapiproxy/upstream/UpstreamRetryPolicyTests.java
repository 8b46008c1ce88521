package com.acme.keyapiproxy.upstream;

import java.time.Duration;

import io.github.resilience4j.core.functions.Either;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamRetryPolicyTests {

	private final UpstreamRetryPolicy policy = new UpstreamRetryPolicy(
			new KeyApiProperties.Retry(3, Duration.ofMillis(200), Duration.ofSeconds(5)));

	@RepeatedTest(20)
	void backoffGrowsExponentiallyWithJitterWithinItsBounds() {
		Either<Throwable, Object> failure = Either.left(new FailedAttempt("500", null));

		assertThat(this.policy.delayAfter(1, failure)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
		assertThat(this.policy.delayAfter(2, failure)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
		assertThat(this.policy.delayAfter(10, failure)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
	}

	@Test
	void aLongerRetryAfterWins() {
		Either<Throwable, Object> failure = Either.left(new FailedAttempt("429", Duration.ofSeconds(3)));

		assertThat(this.policy.delayAfter(1, failure)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void onlyFailedAttemptsWithinThePatienceAreRetried() {
		assertThat(this.policy.worthRetrying(new FailedAttempt("503", null))).isTrue();
		assertThat(this.policy.worthRetrying(new FailedAttempt("429", Duration.ofSeconds(5)))).isTrue();
		assertThat(this.policy.worthRetrying(new FailedAttempt("429", Duration.ofSeconds(6)))).isFalse();
		assertThat(this.policy.worthRetrying(new UpstreamAuthFailed(401))).isFalse();
		assertThat(this.policy.worthRetrying(new UpstreamQuotaExhausted(Duration.ofMinutes(5)))).isFalse();
		assertThat(this.policy.worthRetrying(new UpstreamBadResponse("bad"))).isFalse();
		assertThat(this.policy.worthRetrying(new UpstreamBusy(Duration.ofSeconds(1)))).isFalse();
	}

}
