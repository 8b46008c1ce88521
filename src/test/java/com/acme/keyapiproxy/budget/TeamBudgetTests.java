package com.acme.keyapiproxy.budget;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams, their allowances and the shared budget, end to end. Each test uses its own team,
 * so spends never mix: alpha (5 credits), beta (1), gamma (unlimited), delta (1), zeta
 * (1), eta (1), theta (1). Tokens are {@code <team>-token}; the hashes are
 * {@code printf %s <team>-token | sha256sum}.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.rate-limit.max-wait=30s",
		"keyapi.retry.initial-backoff=10ms", "keyapi.circuit-breaker.minimum-calls=1000",
		"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
		"proxy.teams.alpha.monthly-credits=5",
		"proxy.teams.beta.token-sha256=863d63c0bd3a94bfca84ed2063a7355a226faff82ca50b90158bf183aa1a9e61",
		"proxy.teams.beta.monthly-credits=1",
		"proxy.teams.gamma.token-sha256=6be6ba7a6ef7e0422d11aaf33cf3e9290ff8186e391f846c1cf23fe7594a9b19",
		"proxy.teams.delta.token-sha256=b2276ded52b37a1ac4a55781bc186f1bea6c04c772af4117135e92b1f25d96c4",
		"proxy.teams.delta.monthly-credits=1",
		"proxy.teams.zeta.token-sha256=bdf259d105404fdbfdc68ef534a311e75da3fee61c814d99e2890a766f285ac7",
		"proxy.teams.zeta.monthly-credits=1",
		"proxy.teams.eta.token-sha256=e0463736f96179b0c39dbaa8b69132de5a489055c759f7c4c2012551edf91991",
		"proxy.teams.eta.monthly-credits=1",
		"proxy.teams.theta.token-sha256=36b2d14669ae82e29e7d50a6321dba895cccb1c479d565a3bf4013de6eb60e4b",
		"proxy.teams.theta.monthly-credits=1" })
class TeamBudgetTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static String[] as(String team) {
		return new String[] { "Authorization", "Bearer " + team + "-token" };
	}

	@Test
	void withTeamsConfiguredAMissingOrUnknownTokenIsUnauthenticatedEvenForACachedPage(CapturedOutput output) {
		keyApi.stubFor(livestreams("40001").willReturn(KeyApiStubs.itemsOfSize(1)));
		assertThat(this.proxy.get("/influencers/40001/livestreams", as("gamma")).statusCode()).isEqualTo(200);

		for (HttpResponse<String> refused : List.of(this.proxy.get("/influencers/40001/livestreams"),
				this.proxy.get("/influencers/40001/livestreams", "Authorization", "Bearer not-a-team"),
				this.proxy.get("/influencers/40002/livestreams", "Authorization", "Bearer not-a-team"),
				this.proxy.get("/usage"))) {
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
			assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("unauthenticated");
			assertThat(refused.body()).doesNotContain("not-a-team");
		}
		keyApi.verify(1, anyRequestedFor(anyUrl()));
		assertThat(output.getAll()).as("no token in any log line").doesNotContain("gamma-token", "not-a-team");
	}

	@Test
	void aTeamPastItsAllowanceGets429UntilNextMonthForMissesButStillItsCachedPages() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		HttpResponse<String> paid = this.proxy.get("/influencers/41001/livestreams", as("beta"));

		HttpResponse<String> refused = this.proxy.get("/influencers/41002/livestreams", as("beta"));
		HttpResponse<String> cached = this.proxy.get("/influencers/41001/livestreams", as("beta"));

		assertThat(paid.headers().firstValue("Credits-Charged")).hasValue("1");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("team_budget_exhausted");
		assertThat(refused.headers().firstValue("Credits-Charged")).hasValue("0");
		Instant nextMonth = YearMonth.from(CLOCK.instant().atZone(ZoneOffset.UTC))
			.plusMonths(1)
			.atDay(1)
			.atStartOfDay(ZoneOffset.UTC)
			.toInstant();
		long untilNextMonth = Duration.between(CLOCK.instant(), nextMonth).toSeconds();
		assertThat(refused.headers().firstValue("Retry-After")).hasValue(Long.toString(untilNextMonth));
		assertThat(cached.statusCode()).isEqualTo(200);
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).hasSize(1);
	}

	@Test
	void aTeamPastItsAllowanceIsStillAnsweredAStalePageRatherThanRefused() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		String paid = this.proxy.get("/influencers/48001/livestreams", as("theta")).body();
		CLOCK.advance(Duration.ofHours(7));

		HttpResponse<String> stale = this.proxy.get("/influencers/48001/livestreams", as("theta"));

		assertThat(stale.statusCode()).isEqualTo(200);
		assertThat(stale.body()).isEqualTo(paid);
		assertThat(stale.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		assertThat(stale.headers().firstValue("Credits-Charged")).hasValue("0");
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).hasSize(1);
	}

	@Test
	void aTeamWithOneCreditLeftAndFiftyConcurrentMissesGetsExactlyOnePage() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(100)));

		List<HttpResponse<String>> responses = Concurrently.run(50,
				(caller) -> this.proxy.get("/influencers/" + (42_000 + caller) + "/livestreams", as("delta")));

		assertThat(responses).filteredOn((r) -> r.statusCode() == 200).hasSize(1);
		assertThat(responses).filteredOn((r) -> r.statusCode() == 429).hasSize(49);
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).hasSize(1);
		assertThat(this.proxy.metric("keyapi_proxy_credits_remaining", "team=\"delta\"")).isZero();
	}

	@Test
	void anOutageEatsNoAllowance() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.vendorError(503)));
		double before = this.proxy.metric("keyapi_proxy_credits_remaining", "team=\"alpha\"");

		for (int i = 0; i < 3; i++) {
			assertThat(this.proxy.get("/influencers/" + (43_000 + i) + "/livestreams", as("alpha")).statusCode())
				.isEqualTo(503);
		}

		assertThat(this.proxy.metric("keyapi_proxy_credits_remaining", "team=\"alpha\"")).isEqualTo(before);
		JsonNode usage = JSON.readTree(this.proxy.get("/usage", as("alpha")).body());
		assertThat(usage.get("credits_remaining").asLong()).isEqualTo((long) before);
	}

	@Test
	void aTeamPastItsAllowanceMayJoinAFetchAnotherTeamPaysFor() throws Exception {
		keyApi.stubFor(livestreams("44001").willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/44001/livestreams", as("zeta"));
		assertThat(this.proxy.get("/influencers/44003/livestreams", as("zeta")).statusCode()).isEqualTo(429);
		keyApi.stubFor(livestreams("44002").willReturn(KeyApiStubs.itemsOfSize(1).withFixedDelay(1500)));

		CompletableFuture<HttpResponse<String>> payer = CompletableFuture
			.supplyAsync(() -> this.proxy.get("/influencers/44002/livestreams", as("gamma")));
		awaitKeyApiRequestFor("44002");
		HttpResponse<String> joiner = this.proxy.get("/influencers/44002/livestreams", as("zeta"));

		assertThat(payer.get(10, TimeUnit.SECONDS).headers().firstValue("Credits-Charged")).hasValue("1");
		assertThat(joiner.statusCode()).isEqualTo(200);
		assertThat(joiner.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; fwd=miss; collapsed");
		assertThat(joiner.headers().firstValue("Credits-Charged")).hasValue("0");
	}

	@Test
	void oneTeamAtItsLimitNeverBlocksAnother() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/46001/livestreams", as("eta"));
		assertThat(this.proxy.get("/influencers/46002/livestreams", as("eta")).statusCode()).isEqualTo(429);

		assertThat(this.proxy.get("/influencers/46002/livestreams", as("gamma")).statusCode()).isEqualTo(200);
	}

	@Test
	void usageAndTheCreditsEndpointAndMetricsShowEachTeamsSpend() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/45001/livestreams", as("alpha"));
		this.proxy.get("/influencers/45002/livestreams", as("gamma"));

		JsonNode alpha = JSON.readTree(this.proxy.get("/usage", as("alpha")).body());
		JsonNode gamma = JSON.readTree(this.proxy.get("/usage", as("gamma")).body());
		JsonNode all = JSON.readTree(this.proxy.asOperator("GET", "/actuator/credits").body());
		String scrape = this.proxy.management("/actuator/prometheus").body();

		assertThat(alpha.get("team").asString()).isEqualTo("alpha");
		assertThat(alpha.get("period").asString()).matches("\\d{4}-\\d{2}");
		assertThat(alpha.get("credits_spent").asLong()).isPositive();
		assertThat(alpha.get("credits_limit").asLong()).isEqualTo(5);
		assertThat(alpha.get("credits_remaining").asLong()).isEqualTo(5 - alpha.get("credits_spent").asLong());
		assertThat(alpha.get("organisation").get("credits_spent").asLong()).isGreaterThanOrEqualTo(2);
		assertThat(alpha.get("organisation").get("credits_limit").isNull()).isTrue();
		assertThat(gamma.get("credits_limit").isNull()).isTrue();
		assertThat(gamma.get("credits_remaining").isNull()).isTrue();
		assertThat(all.propertyNames()).contains("alpha", "beta", "gamma", "delta", "zeta");
		assertThat(scrape)
			.contains("keyapi_proxy_credits_spent_total{team=\"gamma\"}",
					"keyapi_proxy_credits_remaining{team=\"alpha\"}")
			.doesNotContain("keyapi_proxy_credits_remaining{team=\"gamma\"}");
	}

	/**
	 * Waits (bounded) until KeyAPI has received a request for the user: a condition, not
	 * a guess at timing.
	 */
	private static void awaitKeyApiRequestFor(String userId) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)))
			.isEmpty()) {
			assertThat(System.nanoTime()).as("KeyAPI saw the request in time").isLessThan(deadline);
			Thread.sleep(10);
		}
	}

}
