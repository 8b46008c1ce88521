package com.acme.keyapiproxy.cache.disk;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.KeyApiStandIn;
import com.acme.keyapiproxy.support.ProxyClient;
import com.acme.keyapiproxy.support.ProxyProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, "a restart costs nothing", with real proxies: each in a JVM of its own, in
 * front of a KeyAPI stand-in that counts every request it receives, ended as a pod is
 * (SIGTERM, or SIGKILL), and a new one started on the same ledger file — whose pages are
 * kept beside it, as by default. The new proxy answers the pages the old one had stored
 * without a KeyAPI call and without a credit.
 */
@Tag("integration")
class RestartCostsNothingTests {

	private static final int PAGES = 30;

	private static final String ALPHA_SHA256 = "a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720";

	private static final String[] ALPHA = { "Authorization", "Bearer alpha-token" };

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void afterAGracefulStopTheNewProxyAnswersEveryStoredPageByteForByteWithItsETagAndCallsKeyApiForNone()
			throws Exception {
		Path ledger = this.directory.resolve("credits");
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(1_000)) {
			Map<String, HttpResponse<String>> before;
			try (ProxyProcess first = start(ledger, keyApi)) {
				before = fetchEach(first.client(), 71_000);
				assertThat(keyApi.arrivalNanos()).as("KeyAPI calls to fill the cache").hasSize(PAGES);
				assertThat(spent(first.client())).isEqualTo(PAGES);

				// Right after the last page was stored, with no wait for the disk: what
				// is
				// still queued then is written on the way out.
				assertThat(first.stop()).as("exit status after SIGTERM: a shutdown, not a kill").isEqualTo(143);
			}
			assertThat(this.directory.resolve("pages").resolve("pages.db")).as("the pages are kept beside the ledger")
				.isNotEmptyFile();

			try (ProxyProcess second = start(ledger, keyApi)) {
				for (Map.Entry<String, HttpResponse<String>> page : before.entrySet()) {
					String etag = page.getValue().headers().firstValue("ETag").orElseThrow();
					HttpResponse<String> notModified = second.client().get(page.getKey(), "If-None-Match", etag);
					assertThat(notModified.statusCode())
						.as("%s with its ETag, first thing after the restart", page.getKey())
						.isEqualTo(304);
					assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);

					HttpResponse<String> after = second.client().get(page.getKey());
					assertThat(after.statusCode()).as(page.getKey()).isEqualTo(200);
					assertThat(after.body()).as("%s: the very bytes answered before the stop", page.getKey())
						.isEqualTo(page.getValue().body());
					assertThat(after.headers().firstValue("ETag")).as(page.getKey()).hasValue(etag);
					assertThat(after.headers().firstValue("Cache-Status")).as(page.getKey())
						.hasValueSatisfying((status) -> assertThat(status).startsWith("keyapi-proxy; hit; ttl="));
					assertThat(after.headers().firstValue("Credits-Charged")).as(page.getKey()).hasValue("0");
				}

				assertThat(keyApi.arrivalNanos()).as("KeyAPI calls, both proxies together").hasSize(PAGES);
				assertThat(spent(second.client())).as("credits spent this month, after the restart").isEqualTo(PAGES);
			}
		}
	}

	@Test
	void afterAKillTheNewProxyAnswersThePagesStoredASecondBeforeItWithoutKeyApiOrAnyCredit() throws Exception {
		Path ledger = this.directory.resolve("credits");
		// alpha's allowance is exactly the pages: after the restart it could not pay for
		// one of them again.
		String[] team = { "proxy.teams.alpha.token-sha256=" + ALPHA_SHA256,
				"proxy.teams.alpha.monthly-credits=" + PAGES };
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(1_000)) {
			Map<String, HttpResponse<String>> before;
			try (ProxyProcess first = start(ledger, keyApi, team)) {
				before = fetchEach(first.client(), 72_000, ALPHA);
				assertThat(usage(first.client(), ALPHA).get("credits_remaining").asLong()).isZero();

				Thread.sleep(1_500);
				assertThat(first.kill()).as("exit status after SIGKILL").isEqualTo(137);
			}

			try (ProxyProcess second = start(ledger, keyApi, team)) {
				for (Map.Entry<String, HttpResponse<String>> page : before.entrySet()) {
					HttpResponse<String> after = second.client().get(page.getKey(), ALPHA);
					assertThat(after.statusCode()).as("%s, for a team with no credit left", page.getKey())
						.isEqualTo(200);
					assertThat(after.body()).as(page.getKey()).isEqualTo(page.getValue().body());
					assertThat(after.headers().firstValue("ETag")).as(page.getKey())
						.isEqualTo(page.getValue().headers().firstValue("ETag"));
					assertThat(after.headers().firstValue("Credits-Charged")).as(page.getKey()).hasValue("0");
				}

				assertThat(keyApi.arrivalNanos()).as("KeyAPI calls, both proxies together").hasSize(PAGES);
				JsonNode usage = usage(second.client(), ALPHA);
				assertThat(usage.get("credits_spent").asLong()).as("alpha's credits after the restart")
					.isEqualTo(PAGES);
				assertThat(usage.get("credits_remaining").asLong()).isZero();
				assertThat(second.client().get("/influencers/72999/livestreams", ALPHA).body())
					.as("a page it never had: the allowance really is spent")
					.contains("team_budget_exhausted");
			}
		}
	}

	private static ProxyProcess start(Path ledger, KeyApiStandIn keyApi, String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "keyapi.rate-limit.qps=50";
		all[1] = "keyapi.rate-limit.max-wait=30s";
		System.arraycopy(properties, 0, all, 2, properties.length);
		return ProxyProcess.start(ledger, keyApi.baseUrl(), all);
	}

	/** One page of each of {@value #PAGES} influencers, each a miss and stored. */
	private static Map<String, HttpResponse<String>> fetchEach(ProxyClient proxy, int firstUserId, String... headers) {
		Map<String, HttpResponse<String>> pages = new LinkedHashMap<>();
		for (int i = 0; i < PAGES; i++) {
			String path = "/influencers/" + (firstUserId + i) + "/livestreams";
			HttpResponse<String> answer = proxy.get(path, headers);
			assertThat(answer.statusCode()).as(path).isEqualTo(200);
			assertThat(answer.headers().firstValue("Cache-Status")).as(path).hasValue("keyapi-proxy; fwd=miss; stored");
			pages.put(path, answer);
		}
		return pages;
	}

	/** The credits the open proxy's one team, {@code default}, spent this month. */
	private static long spent(ProxyClient proxy) {
		return usage(proxy).get("credits_spent").asLong();
	}

	private static JsonNode usage(ProxyClient proxy, String... headers) {
		return JSON.readTree(proxy.get("/usage", headers).body());
	}

}
