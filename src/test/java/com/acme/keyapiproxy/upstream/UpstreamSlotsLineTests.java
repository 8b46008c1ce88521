package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who is in line at the slot dispatcher, on real threads: the count the estimates and the
 * other replicas read, a waiter that is cancelled, and the first send after start. An
 * opener that is next and never gets ready holds the line still while the test fills it.
 */
class UpstreamSlotsLineTests {

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final List<Disposable> attempts = new ArrayList<>();

	@AfterEach
	void stop() {
		this.attempts.forEach(Disposable::dispose);
		this.dispatcher.shutdownNow();
	}

	@Test
	void theCountInLineGoesUpAsAttemptsJoinAndDownAsTheyGoThrough() throws Exception {
		UpstreamSlots slots = slots(50, System::nanoTime);
		Disposable opener = hold(slots);
		List<CompletableFuture<UpstreamSlots.Slot>> queued = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			queued.add(sendAndEnd(slots, "a", Mono.empty()));
		}
		assertThat(slots.inLine()).as("three waiting and the opener next").isEqualTo(4);

		opener.dispose();
		CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

		assertThat(slots.inLine()).isZero();
		assertThat(slots.queueDrainsIn()).as("nobody left ahead of a new attempt")
			.isLessThanOrEqualTo(Duration.ofNanos(AdaptiveRate.intervalNanos(50) * 2));
	}

	@Test
	void aCancelledWaiterLeavesTheLineAtOnceAndNeverTakesATurn() throws Exception {
		UpstreamSlots slots = slots(50, System::nanoTime);
		Disposable opener = hold(slots);
		AtomicInteger cancelledRan = new AtomicInteger();
		CompletableFuture<UpstreamSlots.Slot> cancelled = sendAndEnd(slots, "a",
				Mono.fromRunnable(cancelledRan::incrementAndGet));
		CompletableFuture<UpstreamSlots.Slot> behind = sendAndEnd(slots, "a", Mono.empty());
		assertThat(slots.inLine()).isEqualTo(3);

		cancelled.cancel(true);

		assertThat(slots.inLine()).as("it left the line").isEqualTo(2);
		opener.dispose();
		assertThat(behind.get(5, TimeUnit.SECONDS)).as("the attempt behind it is not held up").isNotNull();
		assertThat(cancelledRan).as("the cancelled waiter never became next").hasValue(0);
		assertThat(slots.inLine()).isZero();
	}

	@Test
	void aCancelledWaiterOfATeamWithNobodyElseWaitingGivesTheTurnToTheNextTeam() throws Exception {
		UpstreamSlots slots = slots(50, System::nanoTime);
		Disposable opener = hold(slots);
		CompletableFuture<UpstreamSlots.Slot> cancelled = sendAndEnd(slots, "a", Mono.empty());
		CompletableFuture<UpstreamSlots.Slot> other = sendAndEnd(slots, "b", Mono.empty());

		cancelled.cancel(true);
		opener.dispose();

		assertThat(other.get(5, TimeUnit.SECONDS)).isNotNull();
		assertThat(slots.inLine()).isZero();
	}

	@Test
	void theFirstSendAfterStartIsLetThroughAtOnce() throws Exception {
		// Time stands still: a first send held for any interval at all would never go.
		long frozen = 123_456_789L;
		UpstreamSlots slots = slots(1, () -> frozen);

		UpstreamSlots.Slot first = slots.turn("a", 1, Mono.empty(), SendCheck.NONE)
			.flatMap((slot) -> slot.letThrough().thenReturn(slot))
			.toFuture()
			.get(2, TimeUnit.SECONDS);

		assertThat(first).isNotNull();
		first.end();
	}

	/** An attempt that becomes next and never gets ready; disposed, it leaves. */
	private Disposable hold(UpstreamSlots slots) throws InterruptedException {
		CountDownLatch next = new CountDownLatch(1);
		Disposable opener = slots
			.turn("opener", 1, Mono.<Void>never().doOnSubscribe((subscription) -> next.countDown()), SendCheck.NONE)
			.subscribe();
		this.attempts.add(opener);
		assertThat(next.await(5, TimeUnit.SECONDS)).as("the opener is next").isTrue();
		return opener;
	}

	/** An attempt's whole wait; let through, it is written and ends at once. */
	private CompletableFuture<UpstreamSlots.Slot> sendAndEnd(UpstreamSlots slots, String team, Mono<Void> whenNext) {
		return slots.turn(team, 1, whenNext, SendCheck.NONE)
			.flatMap((slot) -> slot.letThrough().thenReturn(slot))
			.doOnNext((slot) -> {
				slot.written();
				slot.end();
			})
			.toFuture();
	}

	private UpstreamSlots slots(double qps, LongSupplier nanoTime) {
		return SlotsBuilder.on(this.dispatcher).qps(qps).nanoTime(nanoTime).build();
	}

}
