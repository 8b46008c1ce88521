package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The slot dispatcher on real threads and real time (short intervals); order is asserted, not timing luck. */
class UpstreamSlotsTests {

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final List<String> granted = Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void stop() {
		this.dispatcher.shutdownNow();
	}

	@Test
	void theIntervalIsOneOverQpsPlusTheSafetyMargin() {
		assertThat(UpstreamSlots.interval(5)).isEqualTo(Duration.ofMillis(210));
		assertThat(UpstreamSlots.interval(0.5)).isEqualTo(Duration.ofMillis(2010));
	}

	@Test
	void sendsAreNeverCloserThanOneIntervalWhateverTheCyclesAndTimersDo() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		List<Long> sends = Collections.synchronizedList(new ArrayList<>());

		List<CompletableFuture<Void>> attempts = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			attempts.add(slots.acquire("a", 1).then(sendWhenTheGateOpens(slots, sends)).toFuture());
		}
		CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

		List<Long> ordered = sends.stream().sorted().toList();
		for (int i = 1; i < ordered.size(); i++) {
			assertThat(ordered.get(i) - ordered.get(i - 1)).isGreaterThanOrEqualTo(UpstreamSlots.interval(50).toNanos());
		}
	}

	@Test
	void aTeamWithManyQueuedAttemptsDelaysAnotherTeamsSingleOneByAboutOneSlot() throws Exception {
		UpstreamSlots slots = slots(20, Duration.ofSeconds(30));
		CompletableFuture<Void> first = grant(slots, "opener", 1);
		first.get(5, TimeUnit.SECONDS);
		List<CompletableFuture<Void>> attempts = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			attempts.add(grant(slots, "flood", 1));
		}
		attempts.add(grant(slots, "single", 1));

		attempts.get(20).get(5, TimeUnit.SECONDS);

		assertThat(this.granted.indexOf("single")).as("grants before the single attempt's, the opener's included")
			.isLessThanOrEqualTo(2);
		cancelAll(attempts);
	}

	@Test
	void slotsAreSharedByWeight() throws Exception {
		UpstreamSlots slots = slots(20, Duration.ofSeconds(30));
		grant(slots, "opener", 1).get(5, TimeUnit.SECONDS);
		List<CompletableFuture<Void>> attempts = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			attempts.add(grant(slots, "heavy", 3));
			attempts.add(grant(slots, "light", 1));
		}

		CompletableFuture.allOf(attempts.subList(0, 8).toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

		List<String> order;
		synchronized (this.granted) {
			// Later grants go on being added by the dispatcher meanwhile.
			order = new ArrayList<>(this.granted.subList(1, 9));
		}
		assertThat(order).containsExactly("heavy", "heavy", "heavy", "light", "heavy", "heavy",
				"heavy", "light");
		cancelAll(attempts);
	}

	@Test
	void anAttemptExpectedToWaitLongerThanTheLongestWaitIsRefusedAtOnce() {
		UpstreamSlots slots = slots(5, Duration.ofSeconds(1));
		List<CompletableFuture<Void>> attempts = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			attempts.add(slots.acquire("a", 1).toFuture());
		}

		assertThat(attempts.subList(0, 5)).noneMatch(CompletableFuture::isCompletedExceptionally);
		assertThat(attempts.subList(5, 10)).allMatch(CompletableFuture::isCompletedExceptionally);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> attempts.get(9).join())
			.havingCause()
			.isInstanceOfSatisfying(UpstreamBusy.class,
					(busy) -> assertThat(busy.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
		cancelAll(attempts);
	}

	private CompletableFuture<Void> grant(UpstreamSlots slots, String team, int weight) {
		return slots.acquire(team, weight).doOnSuccess((done) -> this.granted.add(team)).toFuture();
	}

	private static reactor.core.publisher.Mono<Void> sendWhenTheGateOpens(UpstreamSlots slots, List<Long> sends) {
		return reactor.core.publisher.Mono.defer(() -> {
			Duration more = slots.delayBeforeSending();
			if (more.isZero()) {
				sends.add(System.nanoTime());
				return reactor.core.publisher.Mono.empty();
			}
			return reactor.core.publisher.Mono.delay(more).then(sendWhenTheGateOpens(slots, sends));
		});
	}

	private static void cancelAll(List<CompletableFuture<Void>> attempts) {
		attempts.forEach((attempt) -> attempt.cancel(true));
	}

	private UpstreamSlots slots(double qps, Duration maxWait) {
		LocalUpstreamPermits permits = new LocalUpstreamPermits(
				new AtomicRateLimiter("test", UpstreamSlots.permitConfig(qps)));
		return new UpstreamSlots(permits, maxWait,
				this.dispatcher, System::nanoTime);
	}


}
