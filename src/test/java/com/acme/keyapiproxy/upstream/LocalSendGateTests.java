package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The single instance's send gate on a clock the test moves. */
class LocalSendGateTests {

	private static final long INTERVAL = Duration.ofMillis(200).toNanos();

	/** Any start: {@code System.nanoTime()} may be negative. */
	private final AtomicLong now = new AtomicLong(-5_000_000_000L);

	private final LocalSendGate gate = new LocalSendGate(this.now::get);

	@Test
	void theFirstSendAfterStartGoesAtOnce() {
		assertThat(this.gate.nanosUntilFree(INTERVAL)).isZero();
		assertThat(this.gate.tryTake(INTERVAL, 1)).isZero();
	}

	@Test
	void aTakenGateIsHeldUntilReleasedAndThenForOneIntervalAfterTheWrite() {
		assertThat(this.gate.tryTake(INTERVAL, 1)).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.gate.tryTake(INTERVAL, 2));
		this.now.addAndGet(50);
		long writtenAt = this.now.get();
		this.gate.release(writtenAt);

		this.now.addAndGet(INTERVAL / 4);
		assertThat(this.gate.nanosUntilFree(INTERVAL)).isEqualTo(INTERVAL - INTERVAL / 4);
		assertThat(this.gate.tryTake(INTERVAL, 2)).as("not won: the wait").isEqualTo(INTERVAL - INTERVAL / 4);
		assertThat(this.gate.tryTake(INTERVAL, 2)).as("still free to take: the lost take held nothing")
			.isEqualTo(INTERVAL - INTERVAL / 4);

		this.now.set(writtenAt + INTERVAL);
		assertThat(this.gate.tryTake(INTERVAL, 2)).isZero();
		assertThat(this.gate.release(writtenAt + INTERVAL + 7)).as("between the two writes").isEqualTo(INTERVAL + 7);
	}

	@Test
	void aGateTakenForAWithdrawnSendIsFreeAgainAtOnceAndKeepsTheLastWrite() {
		this.gate.tryTake(INTERVAL, 1);
		long writtenAt = this.now.get();
		this.gate.release(writtenAt);
		this.now.addAndGet(INTERVAL);
		this.gate.tryTake(INTERVAL, 2);

		assertThat(this.gate.release(Long.MIN_VALUE)).as("nothing sent").isNegative();

		this.now.addAndGet(1);
		assertThat(this.gate.tryTake(INTERVAL, 3)).as("free at once: the withdrawn send wrote nothing").isZero();
	}

	@Test
	void anEarlierWriteReportedLateDoesNotMoveTheLastWriteBack() {
		this.gate.tryTake(INTERVAL, 1);
		long writtenAt = this.now.get() + 1_000;
		this.gate.release(writtenAt);
		this.gate.release(writtenAt - 500);

		this.now.set(writtenAt + INTERVAL - 1);
		assertThat(this.gate.nanosUntilFree(INTERVAL)).isEqualTo(1);
	}

	@Test
	void aPauseHoldsEverySendUntilItEndsAndNeverShortensOneAlreadyAsked() {
		this.gate.pause(Duration.ofSeconds(2));
		this.gate.pause(Duration.ofSeconds(1));

		assertThat(this.gate.tryTake(INTERVAL, 1)).isEqualTo(Duration.ofSeconds(2).toNanos());
		this.now.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(this.gate.tryTake(INTERVAL, 1)).isZero();
	}

}
