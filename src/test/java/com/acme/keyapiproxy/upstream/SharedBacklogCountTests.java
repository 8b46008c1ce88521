package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attempt counts in the shared backlog (what the other replicas' estimates read) only
 * while it is in line here: refused, failed or cancelled, it leaves, and the line moves
 * on. Real threads.
 */
class SharedBacklogCountTests {

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final List<Disposable> attempts = new ArrayList<>();

	private final CountingBacklog backlog = new CountingBacklog();

	@AfterEach
	void stop() {
		this.attempts.forEach(Disposable::dispose);
		this.dispatcher.shutdownNow();
	}

	@Test
	void anAttemptRefusedAtOnceLeavesTheBacklogAtOnce() {
		UpstreamSlots slots = slots(5, Duration.ofSeconds(1));
		int refused = 0;
		for (int i = 0; i < 10; i++) {
			CompletableFuture<UpstreamSlots.Slot> attempt = slots.turn("a", 1, Mono.never(), SendCheck.NONE).toFuture();
			this.attempts.add(() -> attempt.cancel(true));
			refused += attempt.isCompletedExceptionally() ? 1 : 0;
		}

		assertThat(refused).isPositive();
		assertThat(this.backlog.inLine()).hasValue(10 - refused);
	}

	@Test
	void anAttemptWhoseNextStepFailsLeavesTheBacklogAndTheOneBehindItGoes() throws Exception {
		UpstreamSlots slots = slots(50, Duration.ofSeconds(10));
		CompletableFuture<Void> noCredit = new CompletableFuture<>();
		CompletableFuture<UpstreamSlots.Slot> failing = slots.turn("a", 1, Mono.fromFuture(noCredit), SendCheck.NONE)
			.toFuture();
		CompletableFuture<UpstreamSlots.Slot> behind = slots.turn("a", 1, Mono.empty(), SendCheck.NONE).toFuture();

		noCredit.completeExceptionally(new IllegalStateException("no credit"));

		assertThat(failing).failsWithin(Duration.ofSeconds(2));
		UpstreamSlots.Slot slot = behind.get(2, TimeUnit.SECONDS);
		assertThat(this.backlog.inLine()).as("only the one behind, not yet let through").hasValue(1);
		slot.end();
		assertThat(this.backlog.inLine()).hasValue(0);
	}

	private UpstreamSlots slots(double qps, Duration maxWait) {
		return SlotsBuilder.on(this.dispatcher).qps(qps).maxWait(maxWait).backlog(this.backlog).build();
	}

}
