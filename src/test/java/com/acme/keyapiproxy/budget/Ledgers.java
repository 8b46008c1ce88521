package com.acme.keyapiproxy.budget;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.budget.shared.RedisCreditLedger;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.support.SharedRedis;

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
			return new RedisCreditLedger(Connection.TEMPLATE,
					new SharedStateProperties("ledger-test-" + UUID.randomUUID() + ":", Duration.ofSeconds(5)));
		}
	};

	abstract CreditLedger open(Path directory);

	/** One connection for the whole run, opened on first use; the test JVM ends it. */
	private static final class Connection {

		private static final StringRedisTemplate TEMPLATE = connect(SharedRedis.get());

		private static StringRedisTemplate connect(SharedRedis redis) {
			URI url = URI.create(redis.url());
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(url.getHost(), url.getPort());
			configuration.setPassword(redis.password());
			LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
			factory.afterPropertiesSet();
			factory.start();
			return new StringRedisTemplate(factory);
		}

	}

}
