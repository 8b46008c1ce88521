package com.acme.keyapiproxy.livestreams;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staying useful while KeyAPI fails: stale pages, the quota cooldown, the operator's
 * purge and health.
 */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.retry.initial-backoff=10ms",
		"keyapi.timeout=700ms", "keyapi.circuit-breaker.minimum-calls=1000", "keyapi.quota-cooldown=5m" })
class WhenKeyApiFailsTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest(name = "KeyAPI {0}")
	@ValueSource(strings = { "500", "429", "timeout", "connection-reset" })
	void aStalePageIsAnsweredWithItsTrueAgeWhateverTheRefetchFailsOn(String failure) {
		String userId = "5100" + Math.abs(failure.hashCode() % 100);
		keyApi.stubFor(livestreams(userId).willReturn(KeyApiStubs.itemsOfSize(1)));
		String original = this.proxy.get("/influencers/" + userId + "/livestreams").body();
		keyApi.stubFor(livestreams(userId).willReturn(failing(failure)));
		CLOCK.advance(Duration.ofHours(8));

		HttpResponse<String> stale = this.proxy.get("/influencers/" + userId + "/livestreams");

		assertThat(stale.statusCode()).isEqualTo(200);
		assertThat(stale.body()).isEqualTo(original);
		assertThat(stale.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		assertThat(stale.headers().firstValue("Age")).hasValue(Long.toString(Duration.ofHours(8).toSeconds()));
		assertThat(stale.headers().firstValue("Cache-Control")).hasValue("private, max-age=0");
	}

	@Test
	void aStaleHitAnswersNotModifiedToAMatchingETagToo() {
		keyApi.stubFor(livestreams("51900").willReturn(KeyApiStubs.itemsOfSize(1)));
		String etag = this.proxy.get("/influencers/51900/livestreams").headers().firstValue("ETag").orElseThrow();
		keyApi.stubFor(livestreams("51900").willReturn(KeyApiStubs.vendorError(500)));
		CLOCK.advance(Duration.ofHours(8));

		HttpResponse<String> notModified = this.proxy.get("/influencers/51900/livestreams", "If-None-Match", etag);

		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
	}

	@Test
	void afterA402NoMissCallsKeyApiForTheCooldownWhileCachedAndStalePagesAreStillServedThenOneCallProbes() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/52001/livestreams");
		CLOCK.advance(Duration.ofHours(7));
		this.proxy.get("/influencers/52002/livestreams");
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.vendorError(402)));

		Instant tripped = CLOCK.instant();
		HttpResponse<String> first = this.proxy.get("/influencers/52003/livestreams");
		HttpResponse<String> cooling = this.proxy.get("/influencers/52004/livestreams");
		HttpResponse<String> fresh = this.proxy.get("/influencers/52002/livestreams");
		HttpResponse<String> stale = this.proxy.get("/influencers/52001/livestreams");

		assertThat(JSON.readTree(first.body()).get("code").asString()).isEqualTo("upstream_quota_exhausted");
		assertThat(first.headers().firstValue("Retry-After")).hasValue("300");
		assertThat(cooling.statusCode()).isEqualTo(503);
		assertThat(JSON.readTree(cooling.body()).get("code").asString()).isEqualTo("upstream_quota_exhausted");
		assertThat(cooling.headers().firstValue("Retry-After")).hasValue("300");
		assertThat(fresh.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit; ttl=");
		assertThat(stale.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
		assertThat(keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))).as("only the first 402")
			.hasSize(3);
		JsonNode cooldown = healthOfKeyApi().get("quotaExhaustedUntil");
		assertThat(cooldown.isString()).as("a timestamp: %s", cooldown).isTrue();
		assertThat(cooldown.asString()).isEqualTo(tripped.plus(Duration.ofMinutes(5)).toString());

		CLOCK.advance(Duration.ofMinutes(5));
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		assertThat(this.proxy.get("/influencers/52004/livestreams").statusCode()).as("the probe").isEqualTo(200);
		assertThat(this.proxy.get("/influencers/52005/livestreams").statusCode()).isEqualTo(200);
		JsonNode noCooldown = healthOfKeyApi().get("quotaExhaustedUntil");
		assertThat(noCooldown.isNull()).as("JSON null, not the string \"null\": %s", noCooldown).isTrue();
	}

	@Test
	void anOperatorPurgeDropsOneInfluencersPagesOrAll() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));
		this.proxy.get("/influencers/53001/livestreams?page=1");
		this.proxy.get("/influencers/53001/livestreams?page=2");
		this.proxy.get("/influencers/53002/livestreams");

		HttpResponse<String> purged = this.proxy.asOperator("DELETE", "/actuator/pagecache?userId=53001");

		assertThat(purged.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(purged.body()).get("purged").asInt()).isEqualTo(2);
		assertThat(this.proxy.get("/influencers/53001/livestreams?page=2").headers().firstValue("Cache-Status"))
			.hasValue("keyapi-proxy; fwd=miss; stored");
		assertThat(this.proxy.get("/influencers/53002/livestreams").headers().firstValue("Cache-Status").orElseThrow())
			.startsWith("keyapi-proxy; hit");
		assertThat(this.proxy.asOperator("DELETE", "/actuator/pagecache").statusCode()).isEqualTo(200);
		assertThat(this.proxy.get("/influencers/53002/livestreams").headers().firstValue("Cache-Status"))
			.hasValue("keyapi-proxy; fwd=miss; stored");
	}

	@Test
	void keyApisHealthDetailsAreTypedJson() {
		JsonNode details = healthOfKeyApi();

		assertThat(details.get("circuitBreaker").isString()).as("circuitBreaker: %s", details).isTrue();
		assertThat(details.has("quotaExhaustedUntil")).as("present even when no cooldown runs: %s", details).isTrue();
		assertThat(details.get("quotaExhaustedUntil").isNull()).as("quotaExhaustedUntil: %s", details).isTrue();
		assertThat(details.get("upstreamQueueSeconds").isNumber()).as("upstreamQueueSeconds: %s", details).isTrue();
		assertThat(details.get("upstreamRate").isNumber()).as("upstreamRate: %s", details).isTrue();
	}

	@Test
	void theCircuitBreakersStateIsAHealthDetailThatNeverTakesTheProxyOutOfService() {
		JsonNode keyApiHealth = healthOfKeyApi();

		assertThat(keyApiHealth.get("circuitBreaker").asString()).isEqualTo("CLOSED");
		assertThat(JSON.readTree(this.proxy.management("/actuator/health/readiness").body()).toString())
			.doesNotContain("keyApi");
	}

	private JsonNode healthOfKeyApi() {
		JsonNode health = JSON.readTree(this.proxy.management("/actuator/health").body());
		assertThat(health.get("components").get("keyApi").get("status").asString()).isEqualTo("UP");
		return health.get("components").get("keyApi").get("details");
	}

	private static ResponseDefinitionBuilder failing(String failure) {
		return switch (failure) {
			case "timeout" -> KeyApiStubs.itemsOfSize(1).withFixedDelay(1500);
			case "connection-reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
			default -> KeyApiStubs.vendorError(Integer.parseInt(failure));
		};
	}

}
