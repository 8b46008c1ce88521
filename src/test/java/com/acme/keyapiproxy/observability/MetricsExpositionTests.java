package com.acme.keyapiproxy.observability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * alpha has 100 credits a month, gamma is unlimited (the same configuration as
 * MonitoringMatchesExportsTests).
 */
@TestPropertySource(properties = { "proxy.budget.monthly-credits=1000", "proxy.teams.alpha.monthly-credits=100",
		"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
		"proxy.teams.gamma.token-sha256=6be6ba7a6ef7e0422d11aaf33cf3e9290ff8186e391f846c1cf23fe7594a9b19" })
class MetricsExpositionTests extends ProxyIntegrationTest {

	private static final String[] ALPHA = { "Authorization", "Bearer alpha-token" };

	@Test
	void everyContractMetricIsExportedUnderItsNameAndCountsTruly() {
		keyApi.stubFor(livestreams("9001").willReturn(KeyApiStubs.itemsOfSize(2)));
		double attempts = this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"200\"");
		double credits = this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"alpha\"");
		double hits = this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"hit\"");
		double misses = this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"miss\"");

		this.proxy.get("/influencers/9001/livestreams", ALPHA);
		this.proxy.get("/influencers/9001/livestreams", ALPHA);

		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"200\"") - attempts).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"alpha\"") - credits).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"hit\"") - hits).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"miss\"") - misses).isEqualTo(1);
		String scrape = this.proxy.management("/actuator/prometheus").body();
		assertThat(scrape).contains("keyapi_proxy_upstream_request_duration_seconds_bucket{",
				"keyapi_proxy_upstream_request_duration_seconds_count ", "keyapi_proxy_cache_size_bytes ",
				"keyapi_proxy_cache_entries ", "resilience4j_retry_calls", "resilience4j_circuitbreaker_state",
				"keyapi_proxy_upstream_rate ", "http_server_requests_seconds");
		assertThat(scrape).containsPattern("(?m)^keyapi_proxy_cache_entries [1-9]");
		assertThat(scrape).doesNotContain("keyapi_proxy_credits_remaining{team=\"gamma\"}");
	}

	@Test
	void aTeamsAllowanceIsExportedBesideWhatRemainsAndNeitherForAnUnlimitedTeam() {
		String scrape = this.proxy.management("/actuator/prometheus").body();

		assertThat(this.proxy.metric("keyapi_proxy_credits_limit", "team=\"alpha\"")).isEqualTo(100);
		assertThat(scrape).contains("# HELP keyapi_proxy_credits_limit ", "# TYPE keyapi_proxy_credits_limit gauge",
				"keyapi_proxy_credits_remaining{team=\"alpha\"}", "keyapi_proxy_credits_spent_total{team=\"gamma\"}")
			.doesNotContain("keyapi_proxy_credits_limit{team=\"gamma\"}")
			.doesNotContain("keyapi_proxy_credits_remaining{team=\"gamma\"}");
	}

	@Test
	void aSingleInstancesPagesOnDiskAreExportedWithHelpTextAndCountThePagesWritten() {
		keyApi.stubFor(livestreams("9003").willReturn(KeyApiStubs.itemsOfSize(2)));
		double entries = this.proxy.metric("keyapi_proxy_cache_disk_entries", "");

		this.proxy.get("/influencers/9003/livestreams", ALPHA);

		Eventually.until("the page is counted on disk", Duration.ofSeconds(5),
				() -> this.proxy.metric("keyapi_proxy_cache_disk_entries", "") > entries);
		assertThat(this.proxy.metric("keyapi_proxy_cache_disk_bytes", "")).isPositive();
		String scrape = this.proxy.management("/actuator/prometheus").body();
		assertThat(scrape).contains("# HELP keyapi_proxy_cache_disk_bytes ",
				"# TYPE keyapi_proxy_cache_disk_bytes gauge", "# HELP keyapi_proxy_cache_disk_entries ",
				"# TYPE keyapi_proxy_cache_disk_entries gauge", "# HELP keyapi_proxy_cache_disk_failures_total ",
				"# TYPE keyapi_proxy_cache_disk_failures_total counter");
		for (String operation : new String[] { "open", "write", "read", "damaged" }) {
			assertThat(scrape)
				.as("the %s failures, exported at 0 from the start, so an alert sees the first", operation)
				.containsPattern(
						"(?m)^keyapi_proxy_cache_disk_failures_total\\{[^}]*operation=\"" + operation + "\"[^}]*\\} ");
		}
		assertThat(this.proxy.metric("keyapi_proxy_cache_disk_failures_total", "operation=\"open\"")).isZero();
	}

	@Test
	void everyUpstreamStatusAnAlertReadsIsExportedBeforeKeyApiFirstAnswersIt() {
		String scrape = this.proxy.management("/actuator/prometheus").body();

		assertThat(scrape).containsPattern("(?m)^keyapi_proxy_upstream_requests_total\\{[^}]*status=\"402\"[^}]*\\} ")
			.containsPattern("(?m)^keyapi_proxy_upstream_requests_total\\{[^}]*status=\"429\"[^}]*\\} ");
	}

	@Test
	void theProxysOwnMetricFamiliesPassPromtool() throws Exception {
		Path promtool = List.of("/usr/bin/promtool", "/usr/local/bin/promtool")
			.stream()
			.map(Path::of)
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
		Assumptions.assumeTrue(promtool != null,
				"promtool not found: install it (Debian: apt-get install prometheus) to check the exposition format");
		keyApi.stubFor(livestreams("9002").willReturn(KeyApiStubs.itemsOfSize(2)));
		this.proxy.get("/influencers/9002/livestreams", ALPHA);
		String ours = this.proxy.management("/actuator/prometheus")
			.body()
			.lines()
			.filter((line) -> line.startsWith("keyapi_proxy_") || line.startsWith("# HELP keyapi_proxy_")
					|| line.startsWith("# TYPE keyapi_proxy_"))
			.collect(Collectors.joining("\n", "", "\n"));

		Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
		check.getOutputStream().write(ours.getBytes(StandardCharsets.UTF_8));
		check.getOutputStream().close();
		String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();

		assertThat(ours).contains("# HELP keyapi_proxy_upstream_requests_total ", "# HELP keyapi_proxy_credits_limit ",
				"# HELP keyapi_proxy_cache_disk_bytes ", "# HELP keyapi_proxy_cache_disk_failures_total ");
		assertThat(verdict).as("promtool says").isEmpty();
		assertThat(check.exitValue()).isZero();
	}

}
