package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The slot dispatcher on real threads and real time (short intervals). Each slot let
 * through stands for a send: the test "writes" it some time later, on another thread, as
 * a slow write would.
 */
class UpstreamSlotsTests {

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final ScheduledExecutorService network = Executors.newScheduledThreadPool(4);

	private final List<String> granted = Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void stop() {
		this.dispatcher.shutdownNow();
		this.network.shutdownNow();
	}

	@Test
	void theIntervalIsOneOverTheRateAndTwoAndAHalfPercent() {
		assertThat(AdaptiveRate.intervalNanos(5)).isEqualTo(Duration.ofMillis(205).toNanos());
		assertThat(AdaptiveRate.intervalNanos(50)).isEqualTo(Duration.ofMillis(20).toNanos() + 500_000);
	}

	@Test
	void eachSendGoesOneIntervalAfterThePreviousWriteHoweverLongConnectingTook() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		List<Long> writes = Collections.synchronizedList(new ArrayList<>());
		List<Long> letThrough = Collections.synchronizedList(new ArrayList<>());

		List<CompletableFuture<?>> attempts = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			attempts.add(letThrough(slots, "a", 1, Mono.empty()).doOnNext((slot) -> {
				letThrough.add(System.nanoTime());
				// Connecting takes up to 3 intervals: the next send must wait for this
				// one's write.
				this.network.schedule(() -> {
					writes.add(System.nanoTime());
					slot.sent();
				}, ThreadLocalRandom.current().nextLong(60), TimeUnit.MILLISECONDS);
			}).toFuture());
		}
		CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		waitFor(() -> writes.size() == 20);

		List<Long> sortedWrites = sorted(writes);
		List<Long> sortedTurns = sorted(letThrough);
		for (int i = 1; i < 20; i++) {
			assertThat(sortedTurns.get(i)).as("turn %d came after write %d", i, i - 1)
				.isGreaterThanOrEqualTo(sortedWrites.get(i - 1));
			assertThat(sortedWrites.get(i) - sortedWrites.get(i - 1)).as("ns between writes %d and %d", i - 1, i)
				.isGreaterThanOrEqualTo(AdaptiveRate.intervalNanos(50));
		}
	}

	@Test
	void aSendItsCheckWithdrawsAtTheGateIsNotLetThroughAndFreesTheGateAsUnsent() throws Exception {
		UpstreamSlots slots = slots(1, Duration.ofSeconds(10));
		UpstreamSlots.Slot first = letThrough(slots, "a", 1, Mono.empty()).toFuture().get(1, TimeUnit.SECONDS);
		first.written();
		first.end();
		RuntimeException leaseLost = new IllegalStateException("taken over");
		CompletableFuture<UpstreamSlots.Slot> withdrawn = slots.turn("a", 1, Mono.empty(), () -> {
			throw leaseLost;
		}).flatMap((slot) -> slot.letThrough().doFinally((signal) -> slot.end()).thenReturn(slot)).toFuture();
		CompletableFuture<UpstreamSlots.Slot> next = letThrough(slots, "a", 1, Mono.empty()).toFuture();

		assertThat(withdrawn).failsWithin(Duration.ofSeconds(3))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(SendWithdrawn.class)
			.havingCause()
			.isSameAs(leaseLost);
		long withdrawnAt = System.nanoTime();
		next.get(3, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - withdrawnAt)).as("the next send did not wait a second interval")
			.isLessThan(Duration.ofMillis(500));
	}

	@Test
	void aSendThatNeverReportsItsWriteFreesTheGateAfterTheLongestSend() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10), Duration.ofMillis(300));
		Mono<UpstreamSlots.Slot> first = letThrough(slots, "a", 1, Mono.empty());
		first.toFuture().get(1, TimeUnit.SECONDS);
		long start = System.nanoTime();

		letThrough(slots, "a", 1, Mono.empty()).toFuture().get(2, TimeUnit.SECONDS);

		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 1500L);
	}

	@Test
	void whenNextRunsWhileThePreviousSendIsStillConnectingAndItsFailureEndsOnlyThatAttempt() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		UpstreamSlots.Slot first = letThrough(slots, "a", 1, Mono.empty()).toFuture().get(1, TimeUnit.SECONDS);
		CountDownLatch secondIsNext = new CountDownLatch(1);
		CompletableFuture<UpstreamSlots.Slot> second = slots
			.turn("a", 1,
					Mono.fromRunnable(secondIsNext::countDown).then(Mono.error(new IllegalStateException("no credit"))),
					SendCheck.NONE)
			.toFuture();
		CompletableFuture<UpstreamSlots.Slot> third = letThrough(slots, "a", 1, Mono.empty()).toFuture();

		assertThat(secondIsNext.await(1, TimeUnit.SECONDS)).as("the second is next while the first connects").isTrue();
		assertThat(third).isNotDone();
		first.sent();

		assertThatExceptionOfType(Exception.class).isThrownBy(() -> second.get(1, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(third.get(1, TimeUnit.SECONDS)).isNotNull();
	}

	@Test
	void aWithdrawnAttemptDoesNotHoldUpTheLine() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		UpstreamSlots.Slot first = letThrough(slots, "a", 1, Mono.empty()).toFuture().get(1, TimeUnit.SECONDS);
		CompletableFuture<UpstreamSlots.Slot> withdrawn = letThrough(slots, "a", 1, Mono.never()).toFuture();
		CompletableFuture<UpstreamSlots.Slot> waiting = letThrough(slots, "a", 1, Mono.empty()).toFuture();

		withdrawn.cancel(true);
		first.sent();

		assertThat(waiting.get(1, TimeUnit.SECONDS)).isNotNull();
	}

	@Test
	void anAttemptCancelledWhileItsNextStepStartsHasThatStepCancelled() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		AtomicReference<Disposable> attempt = new AtomicReference<>();
		CountDownLatch subscribedByTest = new CountDownLatch(1);
		CountDownLatch stepCancelled = new CountDownLatch(1);
		// The step stands for spending a credit: cancelling the attempt as it starts
		// must stop it, not leave it running for an attempt nobody waits for.
		Mono<Void> spendsACredit = Mono.defer(() -> {
			awaitQuietly(subscribedByTest);
			attempt.get().dispose();
			return Mono.<Void>never();
		}).doOnCancel(stepCancelled::countDown);

		attempt.set(slots.turn("a", 1, spendsACredit, SendCheck.NONE).subscribe());
		subscribedByTest.countDown();

		assertThat(stepCancelled.await(2, TimeUnit.SECONDS)).as("the step of the cancelled attempt was cancelled")
			.isTrue();
		assertThat(letThrough(slots, "a", 1, Mono.empty()).toFuture().get(1, TimeUnit.SECONDS)).as("the line moves on")
			.isNotNull();
	}

	@Test
	void aRetryAfterPausesEverySend() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		UpstreamSlots.Slot first = letThrough(slots, "a", 1, Mono.empty()).toFuture().get(1, TimeUnit.SECONDS);
		first.sent();
		slots.refused(first, false, Duration.ofMillis(400));
		long start = System.nanoTime();

		letThrough(slots, "b", 1, Mono.empty()).toFuture().get(2, TimeUnit.SECONDS);

		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(390);
	}

	@Test
	void aTeamWithManyQueuedAttemptsDelaysAnotherTeamsSingleOneByAboutOneSlot() throws Exception {
		UpstreamSlots slots = slots(20, Duration.ofSeconds(30));
		grant(slots, "opener", 1).get(5, TimeUnit.SECONDS);
		List<CompletableFuture<?>> attempts = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			attempts.add(grant(slots, "flood", 1));
		}
		attempts.add(grant(slots, "single", 1));

		attempts.get(20).get(5, TimeUnit.SECONDS);

		assertThat(this.granted.indexOf("single")).as("turns before the single attempt's, the opener's included")
			.isLessThanOrEqualTo(3);
		cancelAll(attempts);
	}

	@Test
	void slotsAreSharedByWeight() throws Exception {
		UpstreamSlots slots = slots(20, Duration.ofSeconds(30));
		// The opener is next and never gets ready, so the queues fill up behind it; then
		// it is withdrawn.
		Disposable opener = letThrough(slots, "opener", 1, Mono.never()).subscribe();
		List<CompletableFuture<?>> attempts = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			attempts.add(grant(slots, "heavy", 3));
			attempts.add(grant(slots, "light", 1));
		}
		opener.dispose();

		CompletableFuture.allOf(attempts.subList(0, 12).toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

		List<String> order;
		synchronized (this.granted) {
			order = new ArrayList<>(this.granted.subList(0, 8));
		}
		assertThat(order).containsExactly("heavy", "heavy", "heavy", "light", "heavy", "heavy", "heavy", "light");
		cancelAll(attempts);
	}

	@Test
	void anAttemptExpectedToWaitLongerThanTheLongestWaitIsRefusedAtOnce() {
		UpstreamSlots slots = slots(5, Duration.ofSeconds(1));
		List<CompletableFuture<UpstreamSlots.Slot>> attempts = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			attempts.add(letThrough(slots, "a", 1, Mono.never()).toFuture());
		}

		assertThat(attempts.subList(0, 5)).noneMatch(CompletableFuture::isCompletedExceptionally);
		assertThat(attempts.subList(5, 10)).allMatch(CompletableFuture::isCompletedExceptionally);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> attempts.get(9).join())
			.havingCause()
			.isInstanceOfSatisfying(UpstreamBusy.class,
					(busy) -> assertThat(busy.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
		cancelAll(new ArrayList<>(attempts));
	}

	@Test
	void aRefusalNeverQuotesMoreThanTheLongestWaitAndAnIntervalHoweverLongTheSharedBacklogLooks() {
		// A flood joining on every replica at once: the backlog counts misses that are
		// refused a moment later, and would make the estimate say minutes.
		UpstreamBacklog flooded = new UpstreamBacklog() {
			@Override
			public Place joined() {
				return new Place(1, 1000);
			}

			@Override
			public void left() {
			}

			@Override
			public int elsewhere() {
				return 1000;
			}
		};
		UpstreamSlots slots = SlotsBuilder.on(this.dispatcher)
			.qps(5)
			.maxWait(Duration.ofSeconds(2))
			.backlog(flooded)
			.build();

		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> letThrough(slots, "a", 1, Mono.never()).toFuture().join())
			.havingCause()
			.isInstanceOfSatisfying(UpstreamBusy.class,
					(busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void aRefusalIsCompletedOutsideTheLockSoItsCallbacksMayUseTheSlots() throws Exception {
		UpstreamSlots slots = slots(5, Duration.ofMillis(100));
		letThrough(slots, "a", 1, Mono.never()).subscribe();
		letThrough(slots, "a", 1, Mono.never()).subscribe(null, (busy) -> {
		});
		AtomicInteger answeredFromAnotherThread = new AtomicInteger();

		letThrough(slots, "a", 1, Mono.never()).subscribe(null, (busy) -> {
			// Another thread asks the slots something while this callback runs: it would
			// wait for ever on a held lock.
			CompletableFuture.runAsync(slots::queueDrainsIn).orTimeout(1, TimeUnit.SECONDS).join();
			answeredFromAnotherThread.incrementAndGet();
		});

		assertThat(answeredFromAnotherThread).hasValue(1);
	}

	/**
	 * An attempt's whole wait: its turn, then the gate (what the KeyAPI client does
	 * before writing a request).
	 */
	private static Mono<UpstreamSlots.Slot> letThrough(UpstreamSlots slots, String team, int weight,
			Mono<Void> whenNext) {
		return slots.turn(team, weight, whenNext, SendCheck.NONE).flatMap((slot) -> slot.letThrough().thenReturn(slot));
	}

	private CompletableFuture<UpstreamSlots.Slot> grant(UpstreamSlots slots, String team, int weight) {
		return letThrough(slots, team, weight, Mono.empty()).doOnNext((slot) -> {
			this.granted.add(team);
			slot.sent();
		}).toFuture();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static List<Long> sorted(List<Long> values) {
		synchronized (values) {
			return values.stream().sorted().toList();
		}
	}

	private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
	}

	private static void cancelAll(List<? extends CompletableFuture<?>> attempts) {
		attempts.forEach((attempt) -> attempt.cancel(true));
	}

	private UpstreamSlots slots(double qps, Duration maxWait) {
		return slots(qps, maxWait, Duration.ofSeconds(10));
	}

	private UpstreamSlots slots(double qps, Duration maxWait, Duration longestSend) {
		return SlotsBuilder.on(this.dispatcher).qps(qps).maxWait(maxWait).longestSend(longestSend).build();
	}

}
