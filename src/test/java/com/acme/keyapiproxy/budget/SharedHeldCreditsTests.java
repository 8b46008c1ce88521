package com.acme.keyapiproxy.budget;

import java.net.http.HttpResponse;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Held is not spent across replicas (issue 14's finding in small): a team's credits held
 * by one replica's fetches in flight make misses on every replica wait for them, not
 * answer a month-long 429 while credits come back.
 */
@Tag("integration")
@SharedModeTest
class SharedHeldCreditsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	private static final int ALLOWANCE = 5;

	private static final int CALLERS = 30;

	@Test
	void missesOnEveryReplicaWaitForHeldCreditsAndTheTeamIsChargedExactlyThePagesKeyApiAnswered() throws Exception {
		keyApi.resetAll();
		keyApi.stubFor(
				KeyApiStubs.anyLivestreams().atPriority(5).willReturn(KeyApiStubs.vendorError(500).withFixedDelay(50)));
		for (int caller = 0; caller < CALLERS; caller += 4) {
			keyApi.stubFor(livestreams(userId(caller)).atPriority(1)
				.willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(100)));
		}
		try (ProxyReplicas replicas = new ProxyReplicas(SharedRedis.get(), "keyapi.rate-limit.qps=50",
				"keyapi.rate-limit.max-wait=30s", "keyapi.retry.max-attempts=1", "keyapi.circuit-breaker.window=1000",
				"keyapi.circuit-breaker.minimum-calls=1000",
				"proxy.teams.iota.token-sha256=f6b3e2bfb6b7071fb431d501a1e89c76c9c3cee6013c16c8ea5992eb700e155c",
				"proxy.teams.iota.monthly-credits=" + ALLOWANCE)) {
			for (int i = 0; i < 3; i++) {
				replicas.start();
			}

			List<HttpResponse<String>> answers = Concurrently.run(CALLERS,
					(caller) -> replicas.roundRobin(caller)
						.client()
						.get("/influencers/" + userId(caller) + "/livestreams", "Authorization", "Bearer iota-token"));

			for (int caller = 0; caller < CALLERS; caller++) {
				HttpResponse<String> answer = answers.get(caller);
				boolean answering = caller % 4 == 0;
				assertThat(answer.statusCode()).as("caller %d: %s", caller, answer.body())
					.isIn(answering ? List.of(200, 429) : List.of(429, 503));
				String code = JSON.readTree(answer.body()).path("code").asString("");
				if (answer.statusCode() != 200) {
					assertThat(code).isIn("team_budget_exhausted", "upstream_unavailable");
				}
			}
			long answered = answers.stream().filter((answer) -> answer.statusCode() == 200).count();
			long paidByKeyApi = 0;
			for (int caller = 0; caller < CALLERS; caller += 4) {
				paidByKeyApi += keyApi
					.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id",
							equalTo(userId(caller))))
					.size();
			}
			long spent = JSON
				.readTree(replicas.roundRobin(0).client().get("/usage", "Authorization", "Bearer iota-token").body())
				.get("credits_spent")
				.asLong();
			assertThat(answered).as("pages answered: every credit that came back was used").isEqualTo(ALLOWANCE);
			assertThat(spent).as("charged exactly the pages KeyAPI answered")
				.isEqualTo(paidByKeyApi)
				.isEqualTo(answered);
		}
	}

	private static String userId(int caller) {
		return Integer.toString(49_500 + caller);
	}

}
