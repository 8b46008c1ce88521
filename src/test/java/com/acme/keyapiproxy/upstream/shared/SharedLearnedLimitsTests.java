package com.acme.keyapiproxy.upstream.shared;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.upstream.LearnedLimit;
import com.acme.keyapiproxy.upstream.LearnedLimits;
import com.acme.keyapiproxy.support.RedisConnection;
import com.acme.keyapiproxy.support.SharedModeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate KeyAPI taught, shared by every replica on the test run's Redis: replaced only
 * by the replica that saw the current value, so two replicas slowing down at once do not
 * undo each other.
 */
@SharedModeTest
class SharedLearnedLimitsTests {

	private final String key = "learned-test-" + UUID.randomUUID();

	private final LearnedLimits one = new SharedLearnedLimits(RedisConnection.template(), this.key);

	private final LearnedLimits other = new SharedLearnedLimits(RedisConnection.template(), this.key);

	@Test
	void nothingIsLearnedUntilKeyApiRefuses() {
		assertThat(this.one.read()).isNull();
	}

	@Test
	void whatOneReplicaLearnedEveryReplicaReads() {
		LearnedLimit refused = new LearnedLimit(4.25, 4.25, 1_000);

		assertThat(this.one.replace(null, refused)).isTrue();

		assertThat(this.other.read()).isEqualTo(refused);
	}

	@Test
	void aReplaceFromAStaleReadingLosesAndChangesNothing() {
		LearnedLimit first = new LearnedLimit(4.25, 4.25, 1_000);
		LearnedLimit second = new LearnedLimit(3.5, 3.5, 2_000);
		this.one.replace(null, first);

		assertThat(this.other.replace(null, second)).as("read before the first was stored").isFalse();
		assertThat(this.one.read()).isEqualTo(first);
		assertThat(this.other.replace(first, second)).isTrue();
		assertThat(this.one.read()).isEqualTo(second);
	}

	@Test
	void aLimitClimbedBackIsForgotten() {
		LearnedLimit refused = new LearnedLimit(4.25, 4.25, 1_000);
		this.one.replace(null, refused);

		assertThat(this.other.replace(refused, null)).isTrue();

		assertThat(this.one.read()).isNull();
	}

}
