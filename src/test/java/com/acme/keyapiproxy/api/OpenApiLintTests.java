package com.acme.keyapiproxy.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/openapi.yaml passes both linters a client team is likely to run on it: Spectral's
 * {@code spectral:oas} (.spectral.yaml) and Redocly's recommended rules (redocly.yaml),
 * with no error. Warnings are printed, not failed.
 */
class OpenApiLintTests {

	private static final String DESCRIPTION = "docs/openapi.yaml";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void spectralFindsNoError() throws Exception {
		Path spectral = installed("spectral", "@stoplight/spectral-cli@6.16.3");
		String report = run(List.of(spectral.toString(), "lint", DESCRIPTION, "--ruleset", ".spectral.yaml", "--format",
				"json", "--quiet"));

		List<String> errors = new ArrayList<>();
		List<String> others = new ArrayList<>();
		for (JsonNode finding : JSON.readTree(report.substring(report.indexOf('[')))) {
			String line = finding.get("code").asString() + " at " + finding.get("path") + ": "
					+ finding.get("message").asString();
			(finding.get("severity").asInt() == 0 ? errors : others).add(line);
		}
		others.forEach((finding) -> System.out.println("spectral (not an error): " + finding));
		assertThat(errors).as("Spectral errors in " + DESCRIPTION).isEmpty();
	}

	@Test
	void redoclyFindsNoError() throws Exception {
		Path redocly = installed("redocly", "@redocly/cli@2.77.0");
		String report = run(List.of(redocly.toString(), "lint", DESCRIPTION, "--format", "json"));

		JsonNode result = JSON.readTree(report.substring(report.indexOf('{')));
		List<String> errors = new ArrayList<>();
		for (JsonNode problem : result.get("problems")) {
			String line = problem.get("ruleId").asString() + " at " + problem.get("location").get(0).get("pointer")
					+ ": " + problem.get("message").asString();
			if (problem.get("severity").asString().equals("error")) {
				errors.add(line);
			}
			else {
				System.out.println("redocly (not an error): " + line);
			}
		}
		assertThat(errors).as("Redocly errors in " + DESCRIPTION).isEmpty();
		assertThat(result.get("totals").get("errors").asInt()).isZero();
	}

	private static Path installed(String binary, String npmPackage) {
		Path found = Stream.of(System.getenv("PATH").split(":"))
			.map((directory) -> Path.of(directory, binary))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
		Assumptions.assumeTrue(found != null,
				binary + " not found: install it (npm install -g " + npmPackage + ") to lint " + DESCRIPTION);
		return found;
	}

	/**
	 * Standard output only: the JSON report. Both tools exit non-zero on errors, which
	 * the report then names.
	 */
	private static String run(List<String> command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
		// No update check or usage report: CI reaches no host but the package registries.
		builder.environment()
			.putAll(Map.of("REDOCLY_TELEMETRY", "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true", "NO_UPDATE_NOTIFIER",
					"1"));
		Process lint = builder.start();
		String report = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(lint.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
		assertThat(report).as(String.join(" ", command) + " wrote a report").containsAnyOf("[", "{");
		return report;
	}

}
