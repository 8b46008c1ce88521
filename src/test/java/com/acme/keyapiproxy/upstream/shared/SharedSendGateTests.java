package com.acme.keyapiproxy.upstream.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.upstream.SendGate;
import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.RedisConnection;
import com.acme.keyapiproxy.support.SharedModeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every replica's send gate on the test run's Redis, without Spring: each gate stands for
 * one replica, real threads and Redis's own clock.
 */
@SharedModeTest
class SharedSendGateTests {

	private static final long INTERVAL = Duration.ofMillis(300).toNanos();

	private final String key = "gate-test-" + UUID.randomUUID();

	@Test
	void oneReplicaAtATimeHoldsTheGateAndWritesAreSpacedByTheInterval() throws Exception {
		long interval = Duration.ofMillis(20).toNanos();
		AtomicLong tickets = new AtomicLong();
		AtomicInteger holding = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		List<Long> writes = Collections.synchronizedList(new ArrayList<>());

		Concurrently.run(4, (replica) -> {
			SendGate gate = gate(Duration.ofSeconds(5));
			for (int send = 0; send < 5; send++) {
				long ticket = tickets.incrementAndGet();
				while (gate.tryTake(interval, ticket) != 0) {
					Thread.onSpinWait();
				}
				if (holding.incrementAndGet() != 1) {
					overlaps.incrementAndGet();
				}
				long writtenAt = System.nanoTime();
				writes.add(writtenAt);
				holding.decrementAndGet();
				gate.release(writtenAt);
			}
			return replica;
		});

		assertThat(overlaps).as("sends let through while another replica held the gate").hasValue(0);
		List<Long> sorted = writes.stream().sorted().toList();
		assertThat(sorted).hasSize(20);
		for (int i = 1; i < sorted.size(); i++) {
			// Redis hears of a write a little after it: the next send is, if anything,
			// later; a millisecond covers the two clocks' reading.
			assertThat(sorted.get(i) - sorted.get(i - 1)).as("ns between writes %d and %d", i - 1, i)
				.isGreaterThanOrEqualTo(interval - TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	@Test
	void theNextSendAnywhereWaitsOneIntervalAfterTheWrite() {
		SendGate first = gate(Duration.ofSeconds(5));
		SendGate second = gate(Duration.ofSeconds(5));
		assertThat(first.tryTake(INTERVAL, 1)).as("the first send after start goes at once").isZero();
		assertThat(second.tryTake(INTERVAL, 2)).as("held by the first replica").isEqualTo(SendGate.HELD_ELSEWHERE);

		first.release(System.nanoTime());

		long wait = second.tryTake(INTERVAL, 2);
		assertThat(wait).isBetween(INTERVAL / 2, INTERVAL);
		assertThat(second.nanosUntilFree(INTERVAL)).isBetween(INTERVAL / 2, INTERVAL);
		Eventually.until("the interval has passed", Duration.ofSeconds(2), () -> second.tryTake(INTERVAL, 2) == 0);
		assertThat(second.release(System.nanoTime())).as("ns since the write before")
			.isGreaterThanOrEqualTo(INTERVAL - TimeUnit.MILLISECONDS.toNanos(1));
	}

	@Test
	void aWithdrawnSendFreesTheGateAtOnceAndKeepsTheLastWrite() {
		SendGate first = gate(Duration.ofSeconds(5));
		SendGate second = gate(Duration.ofSeconds(5));
		first.tryTake(INTERVAL, 1);

		assertThat(first.release(Long.MIN_VALUE)).as("nothing was written").isNegative();

		assertThat(second.tryTake(INTERVAL, 2)).as("free at once: no write to space from").isZero();
	}

	@Test
	void theReplicaWhoseAttemptJoinedTheLineFirstGoesFirst() {
		SendGate holder = gate(Duration.ofSeconds(5));
		SendGate older = gate(Duration.ofSeconds(5));
		SendGate younger = gate(Duration.ofSeconds(5));
		holder.tryTake(INTERVAL, 1);
		assertThat(older.tryTake(INTERVAL, 2)).isEqualTo(SendGate.HELD_ELSEWHERE);
		assertThat(younger.tryTake(INTERVAL, 3)).isEqualTo(SendGate.HELD_ELSEWHERE);

		holder.release(Long.MIN_VALUE);

		assertThat(younger.tryTake(INTERVAL, 3)).as("free, but an older attempt waits")
			.isEqualTo(SendGate.HELD_ELSEWHERE);
		assertThat(older.tryTake(INTERVAL, 2)).isZero();
	}

	@Test
	void aPauseKeyApiAskedForHoldsEveryReplica() {
		SendGate refused = gate(Duration.ofSeconds(5));
		SendGate other = gate(Duration.ofSeconds(5));

		refused.pause(Duration.ofMillis(800));

		assertThat(refused.nanosUntilFree(INTERVAL)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(600));
		assertThat(other.tryTake(INTERVAL, 1)).as("the other replica waits out the pause")
			.isBetween(TimeUnit.MILLISECONDS.toNanos(600), TimeUnit.MILLISECONDS.toNanos(800));
	}

	@Test
	void aReplicaThatDiesHoldingTheGateBlocksTheOthersForTheLongestHoldAtMost() {
		SendGate dies = gate(Duration.ofMillis(300));
		SendGate other = gate(Duration.ofMillis(300));
		dies.tryTake(INTERVAL, 1);
		long start = System.nanoTime();

		Eventually.until("the dead replica's hold lapses", Duration.ofSeconds(3),
				() -> other.tryTake(INTERVAL, 2) == 0);

		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
	}

	private SendGate gate(Duration longestHold) {
		return new SharedSendGate(RedisConnection.template(), this.key, longestHold, System::nanoTime);
	}

}
