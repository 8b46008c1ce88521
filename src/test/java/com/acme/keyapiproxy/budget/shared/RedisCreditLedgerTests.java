package com.acme.keyapiproxy.budget.shared;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.acme.keyapiproxy.budget.CreditLedger;
import com.acme.keyapiproxy.budget.HoldVerdict;
import com.acme.keyapiproxy.budget.Limit;
import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.RedisConnection;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The shared ledger on the test run's Redis, without Spring: what a single instance spent
 * is carried into it exactly once when a deployment moves to shared mode, also when Redis
 * is down at the first start.
 */
@SharedModeTest
class RedisCreditLedgerTests {

	private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

	private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

	@TempDir
	Path directory;

	private final SharedStateProperties shared = new SharedStateProperties("ledger-test-" + UUID.randomUUID() + ":",
			Duration.ofSeconds(5));

	@Test
	void creditsRecordedAreAddedToTheTeamsMonth() {
		try (CreditLedger ledger = new RedisCreditLedger(RedisConnection.template(), this.shared)) {
			ledger.append("alpha", NOVEMBER, 3);
			ledger.append("alpha", NOVEMBER, 2);
			ledger.append("beta", OCTOBER, 1);

			assertThat(ledger.spentIn(NOVEMBER)).containsExactly(java.util.Map.entry("alpha", 5L));
			assertThat(ledger.spentIn(OCTOBER)).containsExactly(java.util.Map.entry("beta", 1L));
		}
	}

	@Test
	void aSingleInstanceLedgerIsImportedOnceHoweverManyReplicasStartWithIt() {
		Path file = singleInstanceLedger();

		try (CreditLedger first = RedisCreditLedger.importingOnce(RedisConnection.template(), this.shared, file);
				CreditLedger second = RedisCreditLedger.importingOnce(RedisConnection.template(), this.shared, file)) {
			assertThat(first.spentIn(NOVEMBER)).containsEntry("alpha", 4L).containsEntry("beta", 1L);
			assertThat(second.spentIn(OCTOBER)).containsEntry("alpha", 7L);
		}
	}

	@Test
	void importOnceSaysWhetherThisCallImported() {
		Path file = singleInstanceLedger();
		RedisCreditLedger ledger = new RedisCreditLedger(RedisConnection.template(), this.shared);

		assertThat(ledger.importOnce(file, JournalCreditLedger.read(file))).isTrue();
		assertThat(ledger.importOnce(file, JournalCreditLedger.read(file))).isFalse();
		assertThat(ledger.spentIn(NOVEMBER)).containsEntry("alpha", 4L);
	}

	@Test
	void anEmptyOrMissingLedgerFileImportsNothingAndMarksNothing() {
		Path missing = this.directory.resolve("never-written");
		try (CreditLedger ledger = RedisCreditLedger.importingOnce(RedisConnection.template(), this.shared, missing)) {
			assertThat(ledger.hold("alpha", NOVEMBER, List.of(new Limit("team", 1, "alpha"))))
				.isInstanceOf(HoldVerdict.Held.class);
		}
		RedisCreditLedger later = new RedisCreditLedger(RedisConnection.template(), this.shared);
		assertThat(later.importOnce(singleInstanceLedger(), JournalCreditLedger.read(singleInstanceLedger())))
			.as("a later start with a real file still imports it")
			.isTrue();
	}

	@Test
	void whileRedisIsDownAtStartNoCreditIsHeldUntilTheImportIsDone() {
		Path file = singleInstanceLedger();
		SharedRedis redis = SharedRedis.get();
		List<Limit> alphaOfFive = List.of(new Limit("team", 5, "alpha"));
		redis.stop();
		CreditLedger ledger;
		try {
			ledger = RedisCreditLedger.importingOnce(RedisConnection.template(), this.shared, file);
			assertThatExceptionOfType(SharedStateUnavailable.class)
				.isThrownBy(() -> ledger.hold("alpha", NOVEMBER, alphaOfFive));
		}
		finally {
			redis.start();
		}
		try (ledger) {
			assertThatExceptionOfType(SharedStateUnavailable.class).as("not imported yet, though Redis is back")
				.isThrownBy(() -> ledger.hold("alpha", NOVEMBER, alphaOfFive));

			Eventually.until("the import is retried", Duration.ofSeconds(10), () -> holds(ledger, alphaOfFive));
			assertThat(ledger.spentIn(NOVEMBER)).as("imported, once").containsEntry("alpha", 4L);
			assertThat(ledger.hold("alpha", NOVEMBER, alphaOfFive))
				.as("4 imported + 1 held by the retry's probe: the allowance counts the imported spend")
				.isInstanceOf(HoldVerdict.AllHeld.class);
		}
	}

	private static boolean holds(CreditLedger ledger, List<Limit> limits) {
		try {
			return ledger.hold("alpha", NOVEMBER, limits) instanceof HoldVerdict.Held;
		}
		catch (SharedStateUnavailable notYet) {
			return false;
		}
	}

	/** October: alpha 7; November: alpha 4, beta 1. */
	private Path singleInstanceLedger() {
		Path file = this.directory.resolve("credits");
		if (!java.nio.file.Files.exists(file)) {
			try (JournalCreditLedger journal = JournalCreditLedger.open(file)) {
				journal.append("alpha", OCTOBER, 7);
				journal.append("alpha", NOVEMBER, 4);
				journal.append("beta", NOVEMBER, 1);
			}
		}
		return file;
	}

}
