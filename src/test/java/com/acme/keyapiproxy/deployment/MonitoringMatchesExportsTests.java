package com.acme.keyapiproxy.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static com.acme.keyapiproxy.deployment.HelmChart.at;
import static com.acme.keyapiproxy.deployment.HelmChart.cast;
import static com.acme.keyapiproxy.deployment.HelmChart.only;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the alerts and the dashboard query is one the running proxy really
 * exports.
 */
@TestPropertySource(properties = { "proxy.budget.monthly-credits=1000", "proxy.teams.alpha.monthly-credits=100",
		"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720",
		"proxy.teams.gamma.token-sha256=6be6ba7a6ef7e0422d11aaf33cf3e9290ff8186e391f846c1cf23fe7594a9b19" })
class MonitoringMatchesExportsTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void alertsAndDashboardQueriesNameOnlyExportedMetrics() throws Exception {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(2)));
		this.proxy.get("/influencers/95001/livestreams", "Authorization", "Bearer alpha-token");
		this.proxy.get("/influencers/95001/livestreams", "Authorization", "Bearer alpha-token");
		Set<String> exported = exportedNames(this.proxy.management("/actuator/prometheus").body());

		Set<String> queried = new TreeSet<>();
		Map<String, Object> rule = only(HelmChart.render(Map.of("prometheusRule.enabled", true)), "PrometheusRule");
		List<Map<String, Object>> alerts = cast(at(rule, "spec", "groups", 0, "rules"));
		alerts.forEach((alert) -> queried.addAll(HelmChart.metricNames((String) alert.get("expr"))));
		JsonNode dashboard = JSON.readTree(Files.readString(Path.of("deploy/grafana/dashboards/keyapi-proxy.json")));
		dashboard.get("panels")
			.valueStream()
			.flatMap((panel) -> panel.get("targets").valueStream())
			.forEach((target) -> queried.addAll(HelmChart.metricNames(target.get("expr").asString())));

		assertThat(queried).hasSizeGreaterThan(8);
		assertThat(exported).containsAll(queried);
	}

	private static Set<String> exportedNames(String scrape) {
		Set<String> names = new TreeSet<>();
		scrape.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.forEach((line) -> names.add(line.split("[{ ]", 2)[0]));
		return names;
	}

}
