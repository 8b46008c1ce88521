package com.acme.keyapiproxy.deployment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.acme.keyapiproxy.deployment.HelmChart.at;
import static com.acme.keyapiproxy.deployment.HelmChart.cast;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker compose stack's shape, read from its files: fast, and on every build.
 * deploy/image-check.sh (run by .ci/run) starts the stack for real, in both profiles, and
 * checks that it answers.
 */
class ComposeStackTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theStackHasTheProxyKeyApiPrometheusAndGrafanaOnPinnedImages() throws IOException {
		Map<String, Object> services = services();

		assertThat(withoutProfile(services)).containsOnlyKeys("keyapi", "proxy", "prometheus", "grafana");
		for (String service : List.of("keyapi", "prometheus", "grafana")) {
			assertThat((String) at(services, service, "image")).as(service).matches("[^:]+:v?\\d+(\\.\\d+)+.*");
		}
		List<Object> ports = cast(at(services, "proxy", "ports"));
		assertThat(ports).contains("8080:8080", "8081:8081");
		Map<String, Object> environment = cast(at(services, "proxy", "environment"));
		assertThat(environment).containsEntry("KEYAPI_BASE_URL", "http://keyapi:8080")
			.doesNotContainKey("SPRING_DATA_REDIS_URL");
		assertThat(at(services, "proxy", "volumes")).as("the single instance's file ledger and pages on disk")
			.isEqualTo(List.of("ledger:/data"));
		assertThat(environment).as("the pages go beside the image's ledger, /data/credits: on the volume")
			.doesNotContainKeys("PROXY_BUDGET_FILE", "PROXY_CACHE_DISK_PATH", "PROXY_CACHE_DISK_ENABLED");
		assertThat(at(services, "proxy", "tmpfs")).as("noexec, Docker's default: SQLite's library is in the image")
			.isEqualTo(List.of("/tmp"));
	}

	@Test
	void theSharedProfileRunsTwoProxiesOnAnAofRedisRoundRobinBehindNginx() throws IOException {
		Map<String, Object> services = services();
		Map<String, Object> shared = new LinkedHashMap<>(services);
		shared.keySet().removeAll(withoutProfile(services).keySet());

		assertThat(shared).containsOnlyKeys("redis", "proxy-a", "proxy-b", "shared-lb")
			.allSatisfy((name, service) -> assertThat(at(service, "profiles")).as(name).isEqualTo(List.of("shared")));
		assertThat(at(services, "redis", "image")).isEqualTo("redis:7.4");
		List<String> command = cast(at(services, "redis", "command"));
		assertThat(String.join(" ", command)).contains("--appendonly yes", "--appendfsync everysec");
		assertThat(at(services, "redis", "volumes")).isEqualTo(List.of("redis:/data"));
		Map<String, Object> singleEnvironment = cast(at(services, "proxy", "environment"));
		for (String proxy : List.of("proxy-a", "proxy-b")) {
			Map<String, Object> service = cast(services.get(proxy));
			Map<String, Object> environment = cast(service.get("environment"));
			assertThat(service).as("%s runs the image the service proxy builds, never its own build", proxy)
				.doesNotContainKey("build")
				.containsEntry("pull_policy", "never")
				.containsEntry("image", "keyapi-proxy:local")
				.doesNotContainKey("ports")
				.as("%s: the ledger is in Redis, no volume for it", proxy)
				.doesNotContainKey("volumes");
			assertThat(environment).as(proxy)
				.containsAllEntriesOf(singleEnvironment)
				.containsEntry("SPRING_DATA_REDIS_URL", "redis://redis:6379");
		}
		assertThat(at(services, "shared-lb", "image")).isEqualTo("nginx:1.27-alpine");
		assertThat(at(services, "shared-lb", "ports")).isEqualTo(List.of("8180:8080"));
		assertThat(at(services, "shared-lb", "volumes"))
			.isEqualTo(List.of("./deploy/nginx/shared-lb.conf:/etc/nginx/nginx.conf:ro"));

		String nginx = Files.readString(Path.of("deploy/nginx/shared-lb.conf"));
		assertThat(nginx).containsPattern("listen\\s+8080;")
			.containsPattern("proxy_pass\\s+http://proxies;")
			.containsPattern("upstream\\s+proxies\\s*\\{[^}]*server\\s+proxy-a:8080;[^}]*server\\s+proxy-b:8080;")
			.doesNotContainPattern("\\b(least_conn|ip_hash|hash)\\b");
	}

	@Test
	void prometheusScrapesTheManagementPortAndItsConfigPassesPromtool() throws Exception {
		Map<String, Object> config = new Yaml().load(Files.readString(Path.of("deploy/prometheus/prometheus.yml")));

		assertThat(at(config, "scrape_configs", 0, "metrics_path")).isEqualTo("/actuator/prometheus");
		assertThat(at(config, "scrape_configs", 0, "static_configs", 0, "targets", 0)).isEqualTo("proxy:8081");
		assertThat(at(config, "scrape_configs", 0, "static_configs", 1, "targets")).as("the shared profile's")
			.isEqualTo(List.of("proxy-a:8081", "proxy-b:8081"));
		assertThat(HelmChartTests.promtool("check", "config", "deploy/prometheus/prometheus.yml")).contains("SUCCESS");
	}

	@Test
	void theKeyApiStandInServesSamplePagesA429RouteAndA500NowAndThen() throws Exception {
		WireMockServer keyApi = new WireMockServer(
				wireMockConfig().dynamicPort().bindAddress("127.0.0.1").usingFilesUnderDirectory("deploy/wiremock"));
		keyApi.start();
		try {
			String base = keyApi.baseUrl() + "/v1/tiktok/influencer/livestreams/analytics?page_size=10&user_id=";
			JsonNode first = JSON.readTree(get(base + "7288986759428588590&page_num=1", true).body());
			JsonNode second = JSON.readTree(get(base + "7288986759428588590&page_num=2", true).body());

			assertThat(first.get("code").asInt()).isZero();
			assertThat(first.get("data").size()).isEqualTo(10);
			assertThat(first.get("data").get(0).get("room_id").asString()).matches("\\d{19}");
			assertThat(second.get("data").size()).isEqualTo(4);
			assertThat(JSON.readTree(get(base + "1&page_num=3", true).body()).get("data").size()).isZero();
			assertThat(get(base + "1&page_num=1", false).statusCode()).isEqualTo(401);
			HttpResponse<String> limited = get(base + "4290000000000000000&page_num=1", true);
			assertThat(limited.statusCode()).isEqualTo(429);
			assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(List.of(get(base + "5000000000000000000&page_num=1", true).statusCode(),
					get(base + "5000000000000000000&page_num=1", true).statusCode(),
					get(base + "5000000000000000000&page_num=1", true).statusCode()))
				.containsExactly(500, 200, 500);
		}
		finally {
			keyApi.stop();
		}
	}

	@Test
	void theGrafanaDashboardIsValidJsonWithAQueryOnEveryPanel() throws IOException {
		JsonNode dashboard = JSON.readTree(Files.readString(Path.of("deploy/grafana/dashboards/keyapi-proxy.json")));

		assertThat(dashboard.get("uid").asString()).isEqualTo("keyapi-proxy");
		assertThat(dashboard.get("panels").valueStream().toList()).hasSizeGreaterThanOrEqualTo(6)
			.allSatisfy((panel) -> assertThat(panel.get("targets").get(0).get("expr").asString()).isNotBlank());
	}

	private static Map<String, Object> services() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
		return cast(compose.get("services"));
	}

	private static Map<String, Object> withoutProfile(Map<String, Object> services) {
		Map<String, Object> plain = new LinkedHashMap<>(services);
		plain.values().removeIf((service) -> ((Map<?, ?>) service).containsKey("profiles"));
		return plain;
	}

	private static HttpResponse<String> get(String url, boolean withKey) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
		if (withKey) {
			request.header("Authorization", "Bearer sk_test_compose_not_a_real_key");
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
