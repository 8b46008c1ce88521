package com.acme.keyapiproxy.observability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.support.KeyApiStubs.livestreams;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsExpositionTests extends ProxyIntegrationTest {

	@Test
	void everyContractMetricIsExportedUnderItsNameAndCountsTruly() {
		keyApi.stubFor(livestreams("9001").willReturn(KeyApiStubs.itemsOfSize(2)));
		double attempts = this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"200\"");
		double credits = this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"default\"");
		double hits = this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"hit\"");
		double misses = this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"miss\"");

		this.proxy.get("/influencers/9001/livestreams");
		this.proxy.get("/influencers/9001/livestreams");

		assertThat(this.proxy.metric("keyapi_proxy_upstream_requests_total", "status=\"200\"") - attempts).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_credits_spent_total", "team=\"default\"") - credits).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"hit\"") - hits).isEqualTo(1);
		assertThat(this.proxy.metric("keyapi_proxy_cache_requests_total", "result=\"miss\"") - misses).isEqualTo(1);
		String scrape = this.proxy.management("/actuator/prometheus").body();
		assertThat(scrape).contains("keyapi_proxy_upstream_request_duration_seconds_bucket{",
				"keyapi_proxy_upstream_request_duration_seconds_count ", "keyapi_proxy_cache_size_bytes ",
				"keyapi_proxy_cache_entries ", "resilience4j_retry_calls", "resilience4j_circuitbreaker_state",
				"keyapi_proxy_upstream_rate ", "http_server_requests_seconds");
		assertThat(scrape).containsPattern("(?m)^keyapi_proxy_cache_entries [1-9]");
		assertThat(scrape).doesNotContain("keyapi_proxy_credits_remaining{team=\"default\"}");
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
		this.proxy.get("/influencers/9002/livestreams");
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

		assertThat(ours).contains("# HELP keyapi_proxy_upstream_requests_total ");
		assertThat(verdict).as("promtool says").isEmpty();
		assertThat(check.exitValue()).isZero();
	}


}
