package com.acme.keyapiproxy.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import org.springframework.util.unit.DataSize;

import static com.acme.keyapiproxy.deployment.HelmChart.at;
import static com.acme.keyapiproxy.deployment.HelmChart.cast;
import static com.acme.keyapiproxy.deployment.HelmChart.only;
import static com.acme.keyapiproxy.deployment.HelmChart.ofKind;
import static com.acme.keyapiproxy.deployment.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

class HelmChartTests {

	private static final String ALERT_TESTS = "src/test/resources/alerts";

	@TempDir
	Path directory;

	@Test
	void theChartLintsClean() {
		LintResult lint = new Helm(HelmChart.CHART).lint().strict().call();

		assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
	}

	@Test
	void byDefaultOneNonRootReadOnlyPodReadsTheKeyFromASecretAndKeepsItsLedgerOnAVolume() {
		List<Map<String, Object>> manifests = render(Map.of());
		Map<String, Object> deployment = only(manifests, "Deployment");
		Map<String, Object> pod = cast(at(deployment, "spec", "template", "spec"));
		Map<String, Object> container = cast(at(pod, "containers", 0));

		assertThat(at(deployment, "spec", "replicas")).isEqualTo(1);
		assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
		assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
		assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(at(pod, "terminationGracePeriodSeconds")).isEqualTo(45);
		assertThat(at(container, "env", 0)).isEqualTo(Map.of("name", "KEYAPI_API_KEY", "valueFrom",
				Map.of("secretKeyRef", Map.of("name", "keyapi", "key", "api-key"))));
		assertThat(at(container, "readinessProbe", "httpGet"))
			.isEqualTo(Map.of("path", "/actuator/health/readiness", "port", "management"));
		assertThat(at(container, "livenessProbe", "httpGet"))
			.isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "management"));
		assertThat(at(container, "resources", "limits", "memory")).isEqualTo("768Mi");
		assertThat(at(pod, "volumes", 1, "persistentVolumeClaim", "claimName")).isEqualTo("proxy-keyapi-proxy");
		assertThat(at(only(manifests, "PersistentVolumeClaim"), "metadata", "name")).isEqualTo("proxy-keyapi-proxy");
		List<Object> ports = cast(at(only(manifests, "Service"), "spec", "ports"));
		assertThat(ports).as("the API port only")
			.containsExactly(Map.<String, Object>of("name", "http", "port", 8080, "targetPort", "http"));
		assertThat(ofKind(manifests, "PodDisruptionBudget")).hasSize(1);
		assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).isEmpty();
		assertThat(ofKind(manifests, "ServiceMonitor")).isEmpty();
		assertThat(ofKind(manifests, "PrometheusRule")).isEmpty();
		assertThat(ofKind(manifests, "Secret")).isEmpty();
		assertThat(envNames(container)).doesNotContain("SPRING_DATA_REDIS_URL");
		assertThat(new Yaml().dump(manifests)).doesNotContain("sk_live");
	}

	@Test
	void teamsAllowancesAndTheRestOfTheConfigurationGoToAConfigMapAsApplicationYaml() {
		List<Map<String, Object>> manifests = render(Map.of("teams.alpha.tokenSha256", "a".repeat(64),
				"teams.alpha.monthlyCredits", 2000, "teams.alpha.weight", 2, "budget.monthlyCredits", 5000,
				"keyApi.rateLimit.qps", 3, "persistence.existingClaim", "ledger-claim"));

		Map<String, Object> config = new Yaml()
			.load((String) at(only(manifests, "ConfigMap"), "data", "application.yaml"));

		assertThat(at(config, "proxy", "teams", "alpha"))
			.isEqualTo(Map.of("token-sha256", "a".repeat(64), "monthly-credits", 2000, "weight", 2));
		assertThat(at(config, "proxy", "budget")).isEqualTo(Map.of("file", "/data/credits", "monthly-credits", 5000));
		assertThat(at(config, "keyapi", "rate-limit", "qps")).isEqualTo(3);
		assertThat(ofKind(manifests, "PersistentVolumeClaim")).as("the existing claim is used").isEmpty();
		assertThat(at(only(manifests, "Deployment"), "spec", "template", "spec", "volumes", 1, "persistentVolumeClaim",
				"claimName"))
			.isEqualTo("ledger-claim");
	}

	@Test
	void byDefaultTheClaimHoldsTheLedgerAndThePagesOnDiskAndIsSizedForBoth() {
		List<Map<String, Object>> manifests = render(Map.of());
		Map<String, Object> config = applicationYaml(manifests);
		Map<String, Object> container = cast(
				at(only(manifests, "Deployment"), "spec", "template", "spec", "containers", 0));

		assertThat(at(config, "proxy", "cache", "disk"))
			.isEqualTo(Map.of("enabled", true, "path", "/data/pages", "max-size", "2GB"));
		assertThat(at(config, "proxy", "budget", "file")).isEqualTo("/data/credits");
		assertThat(named(cast(container.get("volumeMounts")), "ledger")).containsEntry("mountPath", "/data");
		String claimed = (String) at(only(manifests, "PersistentVolumeClaim"), "spec", "resources", "requests",
				"storage");
		long pages = DataSize.parse((String) at(config, "proxy", "cache", "disk", "max-size")).toBytes();
		// What the store may write before it drops old pages (DiskWriter), and room for
		// its write-ahead log and the ledger.
		long headroom = Math.max(pages / 10, 16L << 20) + (64L << 20);
		assertThat(kubernetesBytes(claimed)).as("the claim (%s) holds the pages' bound and headroom", claimed)
			.isGreaterThanOrEqualTo(pages + headroom);
	}

	@Test
	void thePagesOnDiskAreBoundedOrTurnedOffByTheValuesAndTheClaimSizedByThem() {
		List<Map<String, Object>> larger = render(Map.of("cache.disk.maxSize", "10GB", "persistence.size", "12Gi"));
		Map<String, Object> off = applicationYaml(render(Map.of("cache.disk.enabled", false)));

		assertThat(at(applicationYaml(larger), "proxy", "cache", "disk", "max-size")).isEqualTo("10GB");
		assertThat(at(only(larger, "PersistentVolumeClaim"), "spec", "resources", "requests", "storage"))
			.isEqualTo("12Gi");
		assertThat(at(off, "proxy", "cache", "disk", "enabled")).isEqualTo(false);
	}

	@Test
	void theOperatorTokensHashGoesToTheConfigMapAndWithoutOneNoOperatorKeyIsRendered() {
		List<Map<String, Object>> manifests = render(Map.of("operator.tokenSha256", "b".repeat(64)));

		Map<String, Object> config = new Yaml()
			.load((String) at(only(manifests, "ConfigMap"), "data", "application.yaml"));
		Map<String, Object> unconfigured = cast(
				at(new Yaml().load((String) at(only(render(Map.of()), "ConfigMap"), "data", "application.yaml")),
						"proxy"));

		assertThat(at(config, "proxy", "operator")).isEqualTo(Map.of("token-sha256", "b".repeat(64)));
		assertThat(unconfigured).as("no empty hash, which the proxy would refuse to start with")
			.doesNotContainKey("operator");
	}

	@Test
	void byDefaultThereIsNoNetworkPolicy() {
		assertThat(ofKind(render(Map.of()), "NetworkPolicy")).isEmpty();
	}

	@Test
	void theNetworkPolicyOpensTheApiToTheClusterAndTheManagementPortToTheMonitoringNamespaceOnly() {
		Map<String, Object> policy = only(render(Map.of("networkPolicy.enabled", true)), "NetworkPolicy");

		assertThat(at(policy, "spec", "podSelector", "matchLabels"))
			.isEqualTo(Map.of("app.kubernetes.io/name", "keyapi-proxy", "app.kubernetes.io/instance", "proxy"));
		assertThat(at(policy, "spec", "policyTypes")).isEqualTo(List.of("Ingress"));
		List<Map<String, Object>> rules = cast(at(policy, "spec", "ingress"));
		assertThat(rules).hasSize(2);
		assertThat(at(rules.get(0), "ports")).isEqualTo(List.of(Map.of("port", "http", "protocol", "TCP")));
		assertThat(at(rules.get(0), "from")).as("any pod, any namespace")
			.isEqualTo(List.of(Map.of("namespaceSelector", Map.of())));
		assertThat(at(rules.get(1), "ports")).isEqualTo(List.of(Map.of("port", "management", "protocol", "TCP")));
		assertThat(at(rules.get(1), "from")).isEqualTo(List.of(Map.of("namespaceSelector",
				Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")))));
	}

	@Test
	void theNetworkPolicysPeersAreConfigurableAndNodeCidrsMayReachTheManagementPort() {
		Map<String, Object> policy = only(render(Map.of("networkPolicy.enabled", true,
				"networkPolicy.api.from[0].namespaceSelector.matchLabels.team", "analytics",
				"networkPolicy.management.namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
				"observability", "networkPolicy.management.ipBlocks[0]", "10.0.0.0/16",
				"networkPolicy.management.ipBlocks[1]", "10.1.0.0/16")), "NetworkPolicy");
		List<Map<String, Object>> rules = cast(at(policy, "spec", "ingress"));

		assertThat(at(rules.get(0), "from"))
			.isEqualTo(List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("team", "analytics")))));
		assertThat(at(rules.get(1), "from")).isEqualTo(List.of(
				Map.of("namespaceSelector",
						Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "observability"))),
				Map.of("ipBlock", Map.of("cidr", "10.0.0.0/16")), Map.of("ipBlock", Map.of("cidr", "10.1.0.0/16"))));
	}

	@Test
	void withoutRedisMoreThanOneReplicaIsRefusedWithTheReasonAndTheWayOut() {
		assertThatException().isThrownBy(() -> render(Map.of("replicaCount", 3)))
			.withMessageContaining("replicaCount must be 1")
			.withMessageContaining("credit ledger")
			.withMessageContaining("set redis.url or redis.existingSecret");
		assertThatException()
			.isThrownBy(() -> render(Map.of("autoscaling.enabled", true, "autoscaling.maxReplicas", 3)))
			.withMessageContaining("autoscaling.maxReplicas must be 1")
			.withMessageContaining("set redis.url or redis.existingSecret");
	}

	@Test
	void withARedisUrlReplicasRollOneByOneAndReadTheUrlFromTheChartsSecretWithTheLedgerOnAnEmptyDir() {
		String url = "redis://:n0t-a-real-password@redis.cache:6379";
		List<Map<String, Object>> manifests = render(Map.of("replicaCount", 3, "redis.url", url));
		Map<String, Object> deployment = only(manifests, "Deployment");
		Map<String, Object> pod = cast(at(deployment, "spec", "template", "spec"));

		assertThat(at(deployment, "spec", "replicas")).isEqualTo(3);
		assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("RollingUpdate");
		assertThat(env(cast(at(pod, "containers", 0)), "SPRING_DATA_REDIS_URL"))
			.isEqualTo(Map.of("name", "SPRING_DATA_REDIS_URL", "valueFrom",
					Map.of("secretKeyRef", Map.of("name", "proxy-keyapi-proxy-redis", "key", "url"))));
		Map<String, Object> secret = only(manifests, "Secret");
		assertThat(at(secret, "metadata", "name")).isEqualTo("proxy-keyapi-proxy-redis");
		assertThat(new String(Base64.getDecoder().decode((String) at(secret, "data", "url")), StandardCharsets.UTF_8))
			.isEqualTo(url);
		assertThat(ofKind(manifests, "PersistentVolumeClaim")).isEmpty();
		assertThat(volume(pod, "ledger")).isEqualTo(Map.of("name", "ledger", "emptyDir", Map.of()));
		for (String kind : List.of("Deployment", "ConfigMap")) {
			assertThat(new Yaml().dump(only(manifests, kind))).as(kind)
				.doesNotContain("n0t-a-real-password")
				.doesNotContain("redis.cache");
		}
	}

	@Test
	void withAnExistingRedisSecretTheHpaMayScaleOutAndTheChartRendersNoSecretOfItsOwn() {
		List<Map<String, Object>> manifests = render(Map.of("redis.existingSecret", "cache-redis", "redis.secretKey",
				"redis-url", "autoscaling.enabled", true, "autoscaling.maxReplicas", 4));
		Map<String, Object> pod = cast(at(only(manifests, "Deployment"), "spec", "template", "spec"));

		assertThat(at(only(manifests, "HorizontalPodAutoscaler"), "spec", "maxReplicas")).isEqualTo(4);
		assertThat(at(env(cast(at(pod, "containers", 0)), "SPRING_DATA_REDIS_URL"), "valueFrom", "secretKeyRef"))
			.isEqualTo(Map.of("name", "cache-redis", "key", "redis-url"));
		assertThat(ofKind(manifests, "Secret")).isEmpty();
		assertThat(ofKind(manifests, "PersistentVolumeClaim")).as("up to 4 pods cannot share a ReadWriteOnce claim")
			.isEmpty();
		assertThat(volume(pod, "ledger")).containsKey("emptyDir");
	}

	@Test
	void withRedisAndOneReplicaTheLedgerClaimStaysMountedForTheImportAndNoSurgePodWantsIt() {
		List<Map<String, Object>> manifests = render(Map.of("redis.url", "redis://redis:6379"));
		Map<String, Object> deployment = only(manifests, "Deployment");

		assertThat(at(deployment, "spec", "strategy"))
			.isEqualTo(Map.of("type", "RollingUpdate", "rollingUpdate", Map.of("maxSurge", 0, "maxUnavailable", 1)));
		assertThat(at(volume(cast(at(deployment, "spec", "template", "spec")), "ledger"), "persistentVolumeClaim",
				"claimName"))
			.isEqualTo("proxy-keyapi-proxy");
		assertThat(ofKind(manifests, "PersistentVolumeClaim")).hasSize(1);
	}

	@Test
	void aRedisUrlAndAnExistingRedisSecretTogetherAreRefused() {
		assertThatException()
			.isThrownBy(() -> render(Map.of("redis.url", "redis://redis:6379", "redis.existingSecret", "cache-redis")))
			.withMessageContaining("set redis.url or redis.existingSecret, not both");
	}

	@Test
	void withoutASecretNameTheRenderFailsSayingWhatToGive() {
		assertThatException().isThrownBy(() -> render(Map.of("keyApi.existingSecret", "")))
			.withMessageContaining("keyApi.existingSecret is required");
	}

	@Test
	void theOptionalMonitoringScrapesTheManagementPortAndItsAlertsPassPromtool() throws Exception {
		List<Map<String, Object>> manifests = render(
				Map.of("serviceMonitor.enabled", true, "prometheusRule.enabled", true));

		Map<String, Object> monitor = only(manifests, "ServiceMonitor");
		assertThat(at(monitor, "spec", "endpoints", 0, "port")).isEqualTo("management");
		assertThat(at(monitor, "spec", "endpoints", 0, "path")).isEqualTo("/actuator/prometheus");
		assertThat(ofKind(manifests, "Service")).hasSize(2);
		Map<String, Object> rule = only(manifests, "PrometheusRule");
		List<Map<String, Object>> alerts = cast(at(rule, "spec", "groups", 0, "rules"));
		assertThat(alerts).extracting((alert) -> alert.get("alert"))
			.containsExactlyInAnyOrder("KeyApiOrganisationBudget80", "KeyApiOrganisationBudget95", "KeyApiTeamBudget80",
					"KeyApiTeamBudget95", "KeyApiTeamBudgetExhausted", "KeyApiUpstreamErrorRatioHigh",
					"KeyApiCircuitBreakerOpen", "KeyApiQuotaExhausted", "KeyApiRateLimitRefusals",
					"KeyApiCacheHitRatioCollapsed", "KeyApiCacheDiskFailing");
		assertThat(promtool("check", "rules", rulesFile(rule).toString())).contains("SUCCESS");
	}

	/**
	 * The unit tests in {@value #ALERT_TESTS} (promtool's format,
	 * {@code rule_files: [rules.yaml]}) run against the rules the chart renders with its
	 * default thresholds: each alert fires when it should, for whom it should, and stops
	 * when it should.
	 */
	@Test
	void everyAlertFiresAndClearsAsItsPromtoolUnitTestsSay() throws Exception {
		Map<String, Object> rule = only(render(Map.of("prometheusRule.enabled", true)), "PrometheusRule");
		rulesFile(rule);
		List<String> command = new ArrayList<>(List.of("test", "rules"));
		Set<String> tested = new TreeSet<>();
		try (Stream<Path> files = Files.list(Path.of(ALERT_TESTS))) {
			for (Path source : files.filter((file) -> file.toString().endsWith(".yml")).sorted().toList()) {
				Path copy = Files.copy(source, this.directory.resolve(source.getFileName()));
				command.add(copy.toString());
				tested.addAll(alertNamesTestedIn(copy));
			}
		}

		assertThat(command).as("promtool unit tests in " + ALERT_TESTS).hasSizeGreaterThan(2);
		assertThat(tested).as("alerts with a unit test").containsAll(alertNames(rule));
		assertThat(promtool(command.toArray(String[]::new))).doesNotContain("FAILED");
	}

	@Test
	void everyAlertsRunbookIsASectionOfTheOperationsGuide() throws IOException {
		Map<String, Object> rule = only(render(Map.of("prometheusRule.enabled", true)), "PrometheusRule");
		Set<String> sections = Files.readAllLines(Path.of("docs", "operations.md"))
			.stream()
			.filter((line) -> line.startsWith("#"))
			.map((heading) -> "docs/operations.md#" + anchor(heading.replaceFirst("^#+\\s*", "")))
			.collect(Collectors.toSet());

		List<Map<String, Object>> alerts = cast(at(rule, "spec", "groups", 0, "rules"));
		for (Map<String, Object> alert : alerts) {
			assertThat(sections).as("%s's runbook", alert.get("alert"))
				.contains((String) at(alert, "annotations", "runbook"));
		}
	}

	private static Map<String, Object> applicationYaml(List<Map<String, Object>> manifests) {
		return new Yaml().load((String) at(only(manifests, "ConfigMap"), "data", "application.yaml"));
	}

	/** A Kubernetes quantity of bytes in binary units ({@code 3Gi}, {@code 512Mi}). */
	private static long kubernetesBytes(String quantity) {
		Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti)").matcher(quantity);
		assertThat(matcher.matches()).as("%s in Ki, Mi, Gi or Ti", quantity).isTrue();
		int shift = 10 * (List.of("Ki", "Mi", "Gi", "Ti").indexOf(matcher.group(2)) + 1);
		return Long.parseLong(matcher.group(1)) << shift;
	}

	private static List<Object> envNames(Map<String, Object> container) {
		List<Map<String, Object>> env = cast(container.get("env"));
		return env.stream().map((variable) -> variable.get("name")).toList();
	}

	private static Map<String, Object> env(Map<String, Object> container, String name) {
		return named(cast(container.get("env")), name);
	}

	private static Map<String, Object> volume(Map<String, Object> pod, String name) {
		return named(cast(pod.get("volumes")), name);
	}

	private static Map<String, Object> named(List<Map<String, Object>> items, String name) {
		return items.stream()
			.filter((item) -> name.equals(item.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("nothing named " + name));
	}

	private static List<String> alertNames(Map<String, Object> prometheusRule) {
		List<Map<String, Object>> alerts = cast(at(prometheusRule, "spec", "groups", 0, "rules"));
		return alerts.stream().map((alert) -> (String) alert.get("alert")).toList();
	}

	private static Set<String> alertNamesTestedIn(Path promtoolTests) throws IOException {
		Map<String, Object> document = new Yaml().load(Files.readString(promtoolTests));
		List<Map<String, Object>> tests = cast(document.get("tests"));
		return tests.stream()
			.flatMap(
					(test) -> HelmChart.<List<Map<String, Object>>>cast(test.getOrDefault("alert_rule_test", List.of()))
						.stream())
			.map((check) -> (String) check.get("alertname"))
			.collect(Collectors.toSet());
	}

	/**
	 * The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces
	 * as hyphens.
	 */
	private static String anchor(String heading) {
		return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
	}

	private Path rulesFile(Map<String, Object> prometheusRule) throws IOException {
		Path file = this.directory.resolve("rules.yaml");
		Files.writeString(file, new Yaml().dump(Map.of("groups", at(prometheusRule, "spec", "groups"))));
		return file;
	}

	static String promtool(String... arguments) throws Exception {
		Path promtool = Path.of("/usr/bin/promtool");
		Assumptions.assumeTrue(Files.isExecutable(promtool),
				"promtool not found: install it (Debian: apt-get install prometheus) to check Prometheus files");
		List<String> command = new ArrayList<>(List.of(promtool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
