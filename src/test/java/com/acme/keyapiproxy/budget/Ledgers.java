package com.acme.keyapiproxy.budget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.budget.shared.RedisCreditLedger;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.support.RedisConnection;

/**
 * Both ledgers, without Spring, for tests that hold them to the same rules: the journal
 * in a directory of its own, and the shared one on the test run's Redis under a key
 * prefix of its own (so each is empty when opened).
 */
enum Ledgers {

	JOURNAL {
		@Override
		CreditLedger open(Path directory) {
			return JournalCreditLedger.open(directory.resolve(UUID.randomUUID().toString()).resolve("credits"));
		}
	},

	REDIS {
		@Override
		CreditLedger open(Path directory) {
			return new RedisCreditLedger(RedisConnection.template(),
					new SharedStateProperties("ledger-test-" + UUID.randomUUID() + ":", Duration.ofSeconds(5)));
		}
	};

	abstract CreditLedger open(Path directory);

}
