package com.acme.keyapiproxy.budget;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Misses waiting for held credits are woken by a change, on real threads. */
class LedgerChangesTests {

	private final LedgerChanges changes = new LedgerChanges();

	@Test
	void aWaiterWaitsUntilAChangeAndIsWokenByIt() throws Exception {
		long seen = this.changes.count();
		CompletableFuture<Void> waiting = await(seen, Duration.ofSeconds(30));

		assertThat(waiting).as("no change yet").failsWithin(Duration.ofMillis(150));
		this.changes.signal();

		waiting.get(5, TimeUnit.SECONDS);
		assertThat(this.changes.count()).isNotEqualTo(seen);
	}

	@Test
	void aChangeSinceTheVerdictEndsTheWaitAtOnce() throws Exception {
		long seen = this.changes.count();
		this.changes.signal();

		await(seen, Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);
	}

	@Test
	void withoutAChangeTheWaitEndsAtItsDeadline() throws Exception {
		await(this.changes.count(), Duration.ofMillis(50)).get(5, TimeUnit.SECONDS);
	}

	private CompletableFuture<Void> await(long seen, Duration patience) {
		long deadline = System.nanoTime() + patience.toNanos();
		return CompletableFuture.runAsync(() -> {
			try {
				this.changes.awaitChangeAfter(seen, deadline);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

}
