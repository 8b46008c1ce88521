package com.acme.keyapiproxy.budget.shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyClient;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving from one instance to shared mode keeps what was spent: the ledger file is
 * imported once, never twice.
 */
@Tag("integration")
@SharedModeTest
class SharedLedgerImportTests {

	@Test
	void theSingleInstanceLedgerIsImportedOnTheFirstSharedStartOnly() throws Exception {
		Path file = Paths.get("target", "test-ledgers", UUID.randomUUID().toString(), "credits");
		YearMonth month = YearMonth.now(ZoneOffset.UTC);
		try (JournalCreditLedger single = JournalCreditLedger.open(file)) {
			single.add("alpha", month, 7, true);
			single.add("beta", month, 3, true);
			single.add("alpha", month.minusMonths(1), 40, true);
		}
		byte[] before = Files.readAllBytes(file);
		KeyApiWireMock.server().stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));

		try (ProxyReplicas replicas = new ProxyReplicas(SharedRedis.get(),
				"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
				"proxy.teams.beta.token-sha256=863d63c0bd3a94bfca84ed2063a7355a226faff82ca50b90158bf183aa1a9e61",
				"proxy.teams.beta.monthly-credits=3")) {
			ProxyReplicas.Replica first = replicas.start("proxy.budget.file=" + file);
			assertThat(usage(first.client(), "alpha")).contains("\"credits_spent\":7,")
				.contains("\"organisation\":{\"credits_spent\":10,");

			ProxyReplicas.Replica second = replicas.start("proxy.budget.file=" + file);
			first.stop();
			ProxyReplicas.Replica restarted = replicas.start("proxy.budget.file=" + file);
			for (ProxyReplicas.Replica replica : new ProxyReplicas.Replica[] { second, restarted }) {
				assertThat(usage(replica.client(), "alpha")).contains("\"credits_spent\":7,");
				assertThat(usage(replica.client(), "beta")).contains("\"credits_spent\":3,");
			}
			assertThat(second.client()
				.get("/influencers/7500000000000000001/livestreams", "Authorization", "Bearer beta-token")
				.body()).contains("team_budget_exhausted");
		}
		assertThat(Files.readAllBytes(file)).as("the ledger file is only read in shared mode").isEqualTo(before);
	}

	@Test
	void aReplicaStartsWhileRedisIsDownAndImportsTheLedgerWhenItIsBackBeforeReservingAnything() throws Exception {
		Path file = Paths.get("target", "test-ledgers", UUID.randomUUID().toString(), "credits");
		try (JournalCreditLedger single = JournalCreditLedger.open(file)) {
			single.add("alpha", YearMonth.now(ZoneOffset.UTC), 4, true);
		}
		KeyApiWireMock.server().stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
		SharedRedis redis = SharedRedis.get();
		try (ProxyReplicas replicas = new ProxyReplicas(redis,
				"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720")) {
			ProxyReplicas.Replica replica;
			redis.stop();
			try {
				replica = replicas.start("proxy.budget.file=" + file);
				assertThat(replica.client().management("/actuator/health/readiness").statusCode()).isEqualTo(503);
				assertThat(replica.client()
					.get("/influencers/7500000000000000002/livestreams", "Authorization", "Bearer alpha-token")
					.statusCode()).isEqualTo(503);
			}
			finally {
				redis.start();
			}
			Eventually.until("the ledger file is imported", Duration.ofSeconds(20),
					() -> usage(replica.client(), "alpha").contains("\"credits_spent\":4,"));
			Eventually.until("a miss is served", Duration.ofSeconds(20),
					() -> replica.client()
						.get("/influencers/7500000000000000002/livestreams", "Authorization", "Bearer alpha-token")
						.statusCode() == 200);
			assertThat(usage(replica.client(), "alpha")).contains("\"credits_spent\":5,");
		}
	}

	private static String usage(ProxyClient replica, String team) {
		return replica.get("/usage", "Authorization", "Bearer " + team + "-token").body();
	}

}
