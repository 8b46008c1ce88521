package com.acme.keyapiproxy.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, linted (dockerfilelint) and read for the properties the image must
 * have: fast, on every build. deploy/image-check.sh (run by .ci/run) builds the image and
 * runs it, and proves the same properties for real.
 */
class DockerfileTests {

	private final List<String> lines = read("Dockerfile");

	@Test
	void theDockerfileLintsClean() throws Exception {
		Path linter = Stream.of(System.getenv("PATH").split(":"))
			.map((directory) -> Path.of(directory, "dockerfilelint"))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
		Assumptions.assumeTrue(linter != null,
				"dockerfilelint not found: install it (npm install -g dockerfilelint@1.8.0) to lint the Dockerfile");
		Process lint = new ProcessBuilder(linter.toString(), "Dockerfile").redirectErrorStream(true).start();
		String report = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(lint.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(lint.exitValue()).as(report).isZero();
		assertThat(report).contains("Issues: None found");
	}

	@Test
	void baseImagesArePinnedToOneVersionedTag() {
		List<String> bases = this.lines.stream().filter((line) -> line.startsWith("FROM ")).toList();

		assertThat(bases).hasSize(2)
			.allSatisfy((from) -> assertThat(from)
				.matches("FROM eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-jre-\\w+( AS \\w+)?"));
		assertThat(bases.get(0).split(" ")[1]).isEqualTo(bases.get(1).split(" ")[1]);
	}

	@Test
	void theJarIsExtractedInLayersAndACdsArchiveIsTrainedAtBuildTime() {
		String dockerfile = String.join("\n", this.lines);

		assertThat(dockerfile).contains("java -Djarmode=tools -jar keyapi-proxy.jar extract --layers",
				"COPY --from=layers /build/extracted/dependencies/ ./",
				"COPY --from=layers /build/extracted/application/ ./", "-XX:ArchiveClassesAtExit=keyapi-proxy.jsa",
				"-Dspring.context.exit=onRefresh", "\"-XX:SharedArchiveFile=keyapi-proxy.jsa\"");
		assertThat(dockerfile.split("-XX:\\+UseCompressedOops", -1))
			.as("the training run and the real one share the compressed-oops mode, or the archive is dropped")
			.hasSize(3);
		assertThat(dockerfile.indexOf("extracted/dependencies/"))
			.as("the stable layers are copied before the application")
			.isLessThan(dockerfile.indexOf("extracted/application/"));
	}

	@Test
	void itRunsAsANonRootUserExposesBothPortsAndSizesTheHeapFromTheContainer() {
		int user = indexOf("USER 10001:10001");
		int entrypoint = indexOf("ENTRYPOINT [\"java\"");

		assertThat(user).isPositive().isLessThan(entrypoint);
		assertThat(this.lines).contains("EXPOSE 8080 8081");
		assertThat(this.lines.get(entrypoint)).contains("\"-XX:MaxRAMPercentage=75.0\"");
	}

	@Test
	void noKeyOrSecretIsBakedIn() {
		assertThat(this.lines).filteredOn((line) -> line.startsWith("ENV ") || line.startsWith("ARG "))
			.noneMatch((line) -> line.contains("KEY") || line.contains("TOKEN") || line.contains("SECRET"));
		assertThat(String.join("\n", this.lines)).doesNotContain("sk_live");
	}

	@Test
	void theBuildContextIsTheJarAndSqlitesNativeLibraryAloneAndShutdownIsGraceful() throws IOException {
		assertThat(read(".dockerignore")).filteredOn((line) -> !line.startsWith("#"))
			.containsExactly("*", "!target/keyapi-proxy.jar", "!target/sqlite-native/");
		assertThat(Files.readString(Path.of("src/main/resources/application.yaml"))).contains("shutdown: graceful");
	}

	private int indexOf(String prefix) {
		for (int i = 0; i < this.lines.size(); i++) {
			if (this.lines.get(i).startsWith(prefix)) {
				return i;
			}
		}
		return -1;
	}

	private static List<String> read(String file) {
		try {
			return Files.readAllLines(Path.of(file));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
