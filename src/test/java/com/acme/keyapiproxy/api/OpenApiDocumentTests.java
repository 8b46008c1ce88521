package com.acme.keyapiproxy.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API description served on the management port and the one checked in as
 * docs/openapi.yaml never drift.
 */
class OpenApiDocumentTests extends ProxyIntegrationTest {

	private static final Path CHECKED_IN = Path.of("docs", "openapi.yaml");

	private static final Path SERVED_COPY = Path.of("target", "openapi.yaml");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theServedDescriptionIsTheCheckedInOne() throws Exception {
		String served = this.proxy.management("/actuator/openapi").body();
		JsonNode servedTree = JSON.readTree(served);
		DumperOptions block = new DumperOptions();
		block.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		Files.createDirectories(SERVED_COPY.getParent());
		Files.writeString(SERVED_COPY, new Yaml(block).dump(JSON.convertValue(servedTree, Map.class)));

		assertThat(servedTree.get("paths").propertyNames()).contains("/influencers/{userId}/livestreams", "/usage");
		assertThat(served).contains("invalid_user_id", "upstream_busy", "Cache-Status", "Credits-Charged", "teamToken",
				"http_version_not_supported");
		JsonNode checkedIn = JSON.valueToTree(new Yaml().load(Files.readString(CHECKED_IN)));
		assertThat(checkedIn)
			.as("docs/openapi.yaml has drifted from what the proxy serves; the served one is in " + SERVED_COPY
					+ ": review it and copy it over")
			.isEqualTo(servedTree);
	}

}
