package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared gate cannot be reached (Redis down): every attempt waiting, in its queue or
 * at the gate, is refused with the reason and leaves the shared backlog; on real threads.
 */
class UnreachableGateTests {

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final AtomicBoolean unreachable = new AtomicBoolean();

	private final SharedStateUnavailable down = new SharedStateUnavailable("the shared send gate", null);

	private final LocalSendGate local = new LocalSendGate(System::nanoTime);

	private final SendGate gate = new SendGate() {
		@Override
		public long tryTake(long intervalNanos, long ticket) {
			if (UnreachableGateTests.this.unreachable.get()) {
				throw UnreachableGateTests.this.down;
			}
			return UnreachableGateTests.this.local.tryTake(intervalNanos, ticket);
		}

		@Override
		public long release(long sentAtNanos) {
			return UnreachableGateTests.this.local.release(sentAtNanos);
		}

		@Override
		public void pause(Duration wait) {
			UnreachableGateTests.this.local.pause(wait);
		}

		@Override
		public long nanosUntilFree(long intervalNanos) {
			return UnreachableGateTests.this.local.nanosUntilFree(intervalNanos);
		}
	};

	private final CountingBacklog backlog = new CountingBacklog();

	@AfterEach
	void stop() {
		this.dispatcher.shutdownNow();
	}

	@Test
	void everyAttemptWaitingIsRefusedWithTheReasonAndLeavesTheBacklog() throws Exception {
		UpstreamSlots slots = SlotsBuilder.on(this.dispatcher).gate(this.gate).backlog(this.backlog).build();
		UpstreamSlots.Slot sending = slots.turn("a", 1, Mono.empty(), SendCheck.NONE)
			.flatMap((slot) -> slot.letThrough().thenReturn(slot))
			.toFuture()
			.get(2, TimeUnit.SECONDS);
		UpstreamSlots.Slot next = slots.turn("a", 1, Mono.empty(), SendCheck.NONE).toFuture().get(2, TimeUnit.SECONDS);
		CompletableFuture<Void> atTheGate = next.letThrough().toFuture();
		CompletableFuture<UpstreamSlots.Slot> queued = slots.turn("a", 1, Mono.never(), SendCheck.NONE).toFuture();
		CompletableFuture<UpstreamSlots.Slot> otherTeam = slots.turn("b", 1, Mono.never(), SendCheck.NONE).toFuture();
		assertThat(slots.inLine()).isEqualTo(3);

		this.unreachable.set(true);
		sending.written();

		assertRefused(atTheGate);
		assertRefused(queued);
		assertRefused(otherTeam);
		assertThat(slots.inLine()).isZero();
		sending.end();
		next.end();
		assertThat(this.backlog.inLine()).as("every attempt left the shared backlog").hasValue(0);

		this.unreachable.set(false);
		assertThat(slots.turn("a", 1, Mono.empty(), SendCheck.NONE)
			.flatMap((slot) -> slot.letThrough().thenReturn(slot))
			.toFuture()
			.get(2, TimeUnit.SECONDS)).as("the line works again once the gate is back").isNotNull();
	}

	private void assertRefused(CompletableFuture<?> attempt) {
		assertThat(attempt).failsWithin(Duration.ofSeconds(2))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isSameAs(this.down);
	}

}
