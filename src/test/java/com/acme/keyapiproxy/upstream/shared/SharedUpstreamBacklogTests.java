package com.acme.keyapiproxy.upstream.shared;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.upstream.UpstreamBacklog;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.RedisConnection;
import com.acme.keyapiproxy.support.SharedModeTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every replica's attempts in line, on the test run's Redis: what each replica's
 * estimates count as waiting elsewhere, and the tickets that order the shared gate.
 */
@SharedModeTest
class SharedUpstreamBacklogTests {

	private final String key = "backlog-test-" + UUID.randomUUID();

	private final SharedUpstreamBacklog one = new SharedUpstreamBacklog(RedisConnection.template(), this.key);

	private final SharedUpstreamBacklog other = new SharedUpstreamBacklog(RedisConnection.template(), this.key);

	@AfterEach
	void close() {
		this.one.close();
		this.other.close();
	}

	@Test
	void aNewAttemptLearnsHowManyWaitOnOtherReplicasAndGetsTheNextTicket() {
		UpstreamBacklog.Place first = this.one.joined();
		UpstreamBacklog.Place second = this.one.joined();

		UpstreamBacklog.Place elsewhere = this.other.joined();

		assertThat(first.elsewhere()).isZero();
		assertThat(second.ticket()).isGreaterThan(first.ticket());
		assertThat(elsewhere.elsewhere()).as("the two attempts waiting on the first replica").isEqualTo(2);
		assertThat(elsewhere.ticket()).isGreaterThan(second.ticket());
		assertThat(this.other.elsewhere()).isEqualTo(2);
	}

	@Test
	void anAttemptThatLeftNoLongerCountsElsewhere() {
		this.one.joined();
		this.one.joined();

		this.one.left();

		Eventually.until("the other replica hears of it", Duration.ofSeconds(2),
				() -> this.other.joined().elsewhere() == 1);
	}

	@Test
	void theExactCountPublishedReplacesADriftedOne() {
		this.one.joined();
		this.one.joined();
		this.one.joined();

		this.one.publish(() -> 1);

		Eventually.until("the exact count is written", Duration.ofSeconds(2),
				() -> this.other.joined().elsewhere() == 1);
	}

	@Test
	void aReplicaNotHeardOfForAWhileNoLongerCounts() {
		this.one.joined();
		assertThat(this.other.joined().elsewhere()).isEqualTo(1);

		Eventually.until("the silent replica is forgotten", SharedUpstreamBacklog.FORGOTTEN_AFTER.plusSeconds(2),
				() -> this.other.joined().elsewhere() == 0);
	}

	@Test
	void aClosedReplicaIsDroppedAtOnce() {
		this.one.joined();

		this.one.close();

		assertThat(this.other.joined().elsewhere()).isZero();
	}

}
