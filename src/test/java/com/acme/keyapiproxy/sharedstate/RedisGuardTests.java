package com.acme.keyapiproxy.sharedstate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RedisGuardTests {

	private final AtomicLong nanoTime = new AtomicLong(1_000);

	private final AtomicInteger calls = new AtomicInteger();

	private final RedisGuard failingFast = RedisGuard.failingFastFor(Duration.ofSeconds(1), this.nanoTime::get);

	@Test
	void anAnswerPassesThrough() {
		assertThat(this.failingFast.call("reading", () -> "page")).isEqualTo("page");
	}

	@Test
	void aFailureToReachRedisIsNamedSharedStateUnavailableWithWhatWasBeingDone() {
		assertThatExceptionOfType(SharedStateUnavailable.class)
			.isThrownBy(() -> RedisGuard.translatingFailures().call("reading a page", this::unreachable))
			.withMessageContaining("reading a page")
			.withCauseInstanceOf(RedisConnectionFailureException.class);
	}

	@Test
	void aFailureThatIsNotRedissPassesAsItIs() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.failingFast.call("reading", () -> {
			throw new IllegalStateException("a bug");
		}));
		assertThat(this.failingFast.call("reading", this::counted)).as("not held against Redis").isEqualTo(1);
	}

	@Test
	void afterAFailureCallsFailAtOnceForTheWindowThenAreTriedAgain() {
		assertThatExceptionOfType(SharedStateUnavailable.class)
			.isThrownBy(() -> this.failingFast.call("reading", () -> {
				throw new QueryTimeoutException("hangs");
			}));

		this.nanoTime.addAndGet(Duration.ofMillis(999).toNanos());
		assertThatExceptionOfType(SharedStateUnavailable.class)
			.isThrownBy(() -> this.failingFast.call("storing", this::counted))
			.withMessageContaining("storing")
			.withMessageContaining("less than 1000 ms ago");
		assertThat(this.calls).as("not tried").hasValue(0);

		this.nanoTime.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(this.failingFast.call("storing", this::counted)).isEqualTo(1);
	}

	@Test
	void aGuardThatOnlyTranslatesTriesEveryCall() {
		RedisGuard guard = RedisGuard.translatingFailures();
		assertThatExceptionOfType(SharedStateUnavailable.class)
			.isThrownBy(() -> guard.call("reading", this::unreachable));
		assertThat(guard.call("reading", this::counted)).isEqualTo(1);
	}

	private Integer unreachable() {
		throw new RedisConnectionFailureException("refused");
	}

	private Integer counted() {
		return this.calls.incrementAndGet();
	}

}
