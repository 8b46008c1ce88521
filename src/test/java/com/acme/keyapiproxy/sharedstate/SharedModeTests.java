package com.acme.keyapiproxy.sharedstate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyClient;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three replicas in shared mode, one Redis, one KeyAPI: they behave as one proxy. Each
 * test uses its own influencer ids; calls are spread over the replicas round-robin.
 */
@Tag("integration")
@SharedModeTest
class SharedModeTests {

	static final String[] ALPHA = { "Authorization", "Bearer alpha-token" };

	static final String[] BETA = { "Authorization", "Bearer beta-token" };

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	private static ProxyReplicas replicas;

	@BeforeAll
	static void startThreeReplicas() {
		replicas = new ProxyReplicas(SharedRedis.get(), "keyapi.rate-limit.qps=5", "keyapi.rate-limit.max-wait=40s",
				"proxy.shared.lease-ttl=1s",
				"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
				"proxy.teams.beta.token-sha256=863d63c0bd3a94bfca84ed2063a7355a226faff82ca50b90158bf183aa1a9e61",
				"proxy.teams.beta.monthly-credits=1");
		for (int i = 0; i < 3; i++) {
			replicas.start();
		}
	}

	@AfterAll
	static void stopReplicas() {
		if (replicas != null) {
			replicas.close();
		}
	}

	@BeforeEach
	void resetKeyApi() {
		keyApi.resetAll();
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(10)));
	}

	@Test
	void twoHundredCallersOfOnePageOverThreeReplicasCostOneUpstreamCallAndOneCredit() throws Exception {
		List<HttpResponse<String>> responses = Concurrently.run(200,
				(caller) -> replica(caller).get("/influencers/7100000000000000001/livestreams", ALPHA));

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses.stream().map(HttpResponse::body).distinct()).hasSize(1);
		assertThat(upstreamCallsFor("7100000000000000001")).isEqualTo(1);
		assertThat(responses.stream().mapToInt(SharedModeTests::creditsCharged).sum()).isEqualTo(1);
	}

	@Test
	void aFetchSlowerThanTheLeaseKeepsItsLeaseAndTheOtherReplicasWaitForIt() throws Exception {
		keyApi.stubFor(KeyApiStubs.livestreams("7100000000000000004")
			.willReturn(KeyApiStubs.itemsOfSize(10).withFixedDelay(2500)));

		List<HttpResponse<String>> responses = Concurrently.run(30,
				(caller) -> replica(caller).get("/influencers/7100000000000000004/livestreams", ALPHA));

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(upstreamCallsFor("7100000000000000004")).as("the lease (1 s) was renewed while KeyAPI took 2.5 s")
			.isEqualTo(1);
	}

	@Test
	void aLeaseLeftByADeadReplicaIsTakenOverWhenItExpires() {
		StringRedisTemplate redis = replicas.roundRobin(0).context().getBean(StringRedisTemplate.class);
		redis.opsForValue()
			.set(replicas.keyPrefix() + "lease:7100000000000000005:1", "a-replica-that-died", Duration.ofMillis(800));

		long started = System.nanoTime();
		HttpResponse<String> response = replica(1).get("/influencers/7100000000000000005/livestreams", ALPHA);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited for the lease to expire")
			.isGreaterThanOrEqualTo(Duration.ofMillis(500));
		assertThat(upstreamCallsFor("7100000000000000005")).isEqualTo(1);
	}

	@Test
	void aPageOneReplicaPaidForIsAHitOnTheOthers() {
		HttpResponse<String> miss = replicas.roundRobin(0)
			.client()
			.get("/influencers/7100000000000000002/livestreams", ALPHA);
		HttpResponse<String> second = replicas.roundRobin(1)
			.client()
			.get("/influencers/7100000000000000002/livestreams", ALPHA);
		HttpResponse<String> third = replicas.roundRobin(2)
			.client()
			.get("/influencers/7100000000000000002/livestreams", ALPHA);

		assertThat(miss.headers().firstValue("Cache-Status"))
			.hasValueSatisfying((status) -> assertThat(status).contains("miss"));
		for (HttpResponse<String> hit : List.of(second, third)) {
			assertThat(hit.statusCode()).isEqualTo(200);
			assertThat(hit.headers().firstValue("Cache-Status")).hasValueSatisfying(
					(status) -> assertThat(status).startsWith("keyapi-proxy; hit;").doesNotContain("stale"));
			assertThat(hit.headers().firstValue("Credits-Charged")).hasValue("0");
			assertThat(hit.headers().firstValue("ETag")).isEqualTo(miss.headers().firstValue("ETag"));
			assertThat(hit.body()).isEqualTo(miss.body());
		}
		assertThat(upstreamCallsFor("7100000000000000002")).isEqualTo(1);
	}

	@Test
	void aPurgeOnOneReplicaRemovesThePageFromEveryReplica() {
		String path = "/influencers/7100000000000000003/livestreams";
		for (ProxyReplicas.Replica replica : replicas.all()) {
			assertThat(replica.client().get(path, ALPHA).statusCode()).isEqualTo(200);
		}
		assertThat(upstreamCallsFor("7100000000000000003")).isEqualTo(1);

		HttpResponse<String> purged = replicas.roundRobin(0)
			.client()
			.asOperator("DELETE", "/actuator/pagecache?userId=7100000000000000003");
		assertThat(purged.statusCode()).isEqualTo(200);

		// Published to the others asynchronously: each must see the purge before its next
		// request is a hit.
		Eventually.until("replica 3 has dropped the purged page", Duration.ofSeconds(5),
				() -> replicas.roundRobin(2)
					.client()
					.get(path, "Authorization", "Bearer alpha-token", "Cache-Control", "only-if-cached")
					.statusCode() == 504);
		HttpResponse<String> after = replicas.roundRobin(2).client().get(path, ALPHA);
		assertThat(after.headers().firstValue("Cache-Status"))
			.hasValueSatisfying((status) -> assertThat(status).contains("miss"));
		assertThat(upstreamCallsFor("7100000000000000003")).isEqualTo(2);
	}

	@Test
	void aPurgeOfEverythingOnOneReplicaEmptiesEveryReplica() {
		String path = "/influencers/7100000000000000006/livestreams";
		for (ProxyReplicas.Replica replica : replicas.all()) {
			assertThat(replica.client().get(path, ALPHA).statusCode()).isEqualTo(200);
		}

		assertThat(replicas.roundRobin(1).client().asOperator("DELETE", "/actuator/pagecache").statusCode())
			.isEqualTo(200);

		for (ProxyReplicas.Replica replica : replicas.all()) {
			Eventually.until("every replica has dropped its pages", Duration.ofSeconds(5),
					() -> replica.client()
						.get(path, "Authorization", "Bearer alpha-token", "Cache-Control", "only-if-cached")
						.statusCode() == 504);
		}
		assertThat(upstreamCallsFor("7100000000000000006")).isEqualTo(1);
	}

	@Test
	void whenTheHistoryShiftsOnOneReplicaTheDeeperPagesAreNoLongerFreshOnAnyReplica() {
		String user = "7100000000000000007";
		stubHistory(user, 0);
		ProxyClient first = replica(0);
		assertThat(first.get("/influencers/" + user + "/livestreams?page=1", ALPHA).statusCode()).isEqualTo(200);
		assertThat(first.get("/influencers/" + user + "/livestreams?page=2", ALPHA).statusCode()).isEqualTo(200);
		assertThat(replica(1).get("/influencers/" + user + "/livestreams?page=2", ALPHA)
			.headers()
			.firstValue("Cache-Status"))
			.hasValueSatisfying((status) -> assertThat(status).startsWith("keyapi-proxy; hit;"));

		stubHistory(user, -3);
		first.get("/influencers/" + user + "/livestreams?page=1", "Authorization", "Bearer alpha-token",
				"Cache-Control", "no-cache");

		for (int replica = 1; replica <= 2; replica++) {
			ProxyClient other = replica(replica);
			Eventually.until("page 2 is superseded on replica " + (replica + 1), Duration.ofSeconds(5),
					() -> other
						.get("/influencers/" + user + "/livestreams?page=2", "Authorization", "Bearer alpha-token",
								"Cache-Control", "only-if-cached")
						.statusCode() == 504);
		}
		assertThat(upstreamCallsFor(user)).isEqualTo(3);
	}

	/**
	 * KeyAPI pages 1 and 2 of an influencer whose newest livestream is {@code r<first>}.
	 */
	private static void stubHistory(String userId, int first) {
		for (int page = 1; page <= 2; page++) {
			StringBuilder items = new StringBuilder();
			for (int i = (page - 1) * 10; i < page * 10; i++) {
				items.append(items.isEmpty() ? "" : ",").append(KeyApiStubs.item("r" + (first + i)));
			}
			keyApi.stubFor(KeyApiStubs.livestreams(userId)
				.withQueryParam("page_num", equalTo(Integer.toString(page)))
				.willReturn(KeyApiStubs.page("[" + items + "]")));
		}
	}

	@Test
	void aTeamWithOneCreditLeftAndFiftyMissesOverThreeReplicasGetsExactlyOneAnswer() throws Exception {
		List<HttpResponse<String>> responses = Concurrently.run(50, (caller) -> replica(caller)
			.get("/influencers/" + (7200000000000000000L + caller) + "/livestreams", BETA));

		assertThat(responses.stream().filter((response) -> response.statusCode() == 200)).hasSize(1);
		assertThat(responses.stream().filter((response) -> response.statusCode() == 429)).hasSize(49)
			.allSatisfy((refused) -> assertThat(refused.body()).contains("team_budget_exhausted"));
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).hasSize(1);
		for (ProxyReplicas.Replica replica : replicas.all()) {
			assertThat(replica.client().get("/usage", BETA).body()).contains("\"credits_spent\":1,");
		}
	}

	@Test
	void healthAndReadinessIncludeRedis() {
		for (ProxyReplicas.Replica replica : replicas.all()) {
			String health = replica.client().management("/actuator/health").body();
			assertThat(JsonPath.<String>read(health, "$.components.redis.status")).isEqualTo("UP");
			String readiness = replica.client().management("/actuator/health/readiness").body();
			assertThat(JsonPath.<String>read(readiness, "$.components.redis.status")).isEqualTo("UP");
		}
	}

	private static ProxyClient replica(int caller) {
		return replicas.roundRobin(caller).client();
	}

	private static int upstreamCallsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)))
			.size();
	}

	private static int creditsCharged(HttpResponse<String> response) {
		return Integer.parseInt(response.headers().firstValue("Credits-Charged").orElse("0"));
	}

}
