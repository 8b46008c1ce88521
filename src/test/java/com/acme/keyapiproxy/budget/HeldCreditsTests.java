package com.acme.keyapiproxy.budget;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;
import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Held is not spent (issue 14, item 4), end to end on one instance: credits held by
 * fetches in flight make a miss wait for them to settle, and a month-long 429 is answered
 * only once the credits are charged. Team iota has 5 credits; its token is
 * {@code iota-token}.
 */
@TestPropertySource(
		properties = { "keyapi.rate-limit.qps=50", "keyapi.rate-limit.max-wait=30s", "keyapi.retry.max-attempts=1",
				"keyapi.circuit-breaker.window=1000", "keyapi.circuit-breaker.minimum-calls=1000",
				"proxy.teams.iota.token-sha256=f6b3e2bfb6b7071fb431d501a1e89c76c9c3cee6013c16c8ea5992eb700e155c",
				"proxy.teams.iota.monthly-credits=5" })
class HeldCreditsTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int ALLOWANCE = 5;

	private static final int CALLERS = 40;

	@Test
	void missesWaitForHeldCreditsSoTheTeamIsChargedItsWholeAllowanceAndRefusedOnlyOnceItIsSpent() throws Exception {
		// Three users in four fail (their credits come back); the others answer, a little
		// slower.
		keyApi.stubFor(
				KeyApiStubs.anyLivestreams().atPriority(5).willReturn(KeyApiStubs.vendorError(500).withFixedDelay(50)));
		for (int caller = 0; caller < CALLERS; caller += 4) {
			keyApi.stubFor(livestreams(userId(caller)).atPriority(1)
				.willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(100)));
		}

		List<HttpResponse<String>> answers = Concurrently.run(CALLERS, (caller) -> this.proxy
			.get("/influencers/" + userId(caller) + "/livestreams", "Authorization", "Bearer iota-token"));

		for (int caller = 0; caller < CALLERS; caller++) {
			HttpResponse<String> answer = answers.get(caller);
			boolean answering = caller % 4 == 0;
			assertThat(answer.statusCode()).as("caller %d: %s", caller, answer.body())
				.isIn(answering ? List.of(200, 429) : List.of(429, 503));
			if (answer.statusCode() == 429) {
				assertThat(code(answer)).isEqualTo("team_budget_exhausted");
			}
			if (answer.statusCode() == 503) {
				assertThat(code(answer)).as("KeyAPI failed for it: not a refusal for want of credits")
					.isEqualTo("upstream_unavailable");
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
		long spent = JSON.readTree(this.proxy.get("/usage", "Authorization", "Bearer iota-token").body())
			.get("credits_spent")
			.asLong();
		assertThat(answered).as("pages answered: every credit that came back was used").isEqualTo(ALLOWANCE);
		assertThat(spent).as("charged exactly the pages KeyAPI answered").isEqualTo(paidByKeyApi).isEqualTo(answered);
	}

	private static String userId(int caller) {
		return Integer.toString(49_000 + caller);
	}

	private static String code(HttpResponse<String> answer) {
		return JSON.readTree(answer.body()).get("code").asString();
	}

}
