package com.acme.keyapiproxy.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders helm/keyapi-proxy offline (helm-java bundles Helm) and hands back its manifests
 * as maps.
 */
final class HelmChart {

	static final Path CHART = Path.of("helm", "keyapi-proxy");

	private HelmChart() {
	}

	static List<Map<String, Object>> render(Map<String, Object> values) {
		TemplateCommand template = new Helm(CHART).template().withName("proxy").withNamespace("analytics");
		values.forEach(template::set);
		List<Map<String, Object>> manifests = new ArrayList<>();
		for (Object document : new Yaml().loadAll(template.call())) {
			if (document != null) {
				manifests.add(cast(document));
			}
		}
		return manifests;
	}

	static Map<String, Object> only(List<Map<String, Object>> manifests, String kind) {
		List<Map<String, Object>> ofKind = ofKind(manifests, kind);
		if (ofKind.size() != 1) {
			throw new AssertionError("Expected one " + kind + ", found " + ofKind.size());
		}
		return ofKind.get(0);
	}

	static List<Map<String, Object>> ofKind(List<Map<String, Object>> manifests, String kind) {
		return manifests.stream().filter((manifest) -> kind.equals(manifest.get("kind"))).toList();
	}

	/**
	 * Walks a manifest: keys for maps, indexes for lists, e.g.
	 * {@code at(deployment, "spec", "replicas")}.
	 */
	static Object at(Object node, Object... path) {
		Object current = node;
		for (Object step : path) {
			current = (step instanceof Integer index) ? ((List<?>) current).get(index)
					: ((Map<?, ?>) current).get(step);
			Objects.requireNonNull(current, () -> "nothing at " + List.of(path));
		}
		return current;
	}

	/** The metric names a PromQL expression reads. */
	static List<String> metricNames(String expression) {
		List<String> names = new ArrayList<>();
		Matcher matcher = Pattern.compile("\\b(keyapi_proxy_\\w+|resilience4j_\\w+|http_server_\\w+)")
			.matcher(expression);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	static <T> T cast(Object value) {
		return (T) value;
	}

}
