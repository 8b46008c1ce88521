package com.acme.keyapiproxy.budget;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.acme.keyapiproxy.KeyApiProxyApplication;
import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStandIn;
import com.acme.keyapiproxy.support.KeyApiStubs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy killed (SIGKILL) with a hundred misses waiting in line has charged only what it
 * was sending: credits are held in memory while a miss waits, and spent on disk just
 * before it is sent. Never under-counted: every request KeyAPI saw is in the ledger.
 */
class QueuedMissesCrashTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	Path directory;

	@Test
	void aKilledProxyChargesTheMissesItSentAndAtMostTheOneNextNotTheQueue() throws Exception {
		Path ledger = this.directory.resolve("credits");
		int port = freePort();
		int managementPort = freePort();
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(100)) {
			Process proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-cp", System.getProperty("java.class.path"), KeyApiProxyApplication.class.getName(),
					"--server.port=" + port, "--management.server.port=" + managementPort,
					"--keyapi.api-key=" + KeyApiStubs.API_KEY, "--keyapi.base-url=" + keyApi.baseUrl(),
					"--keyapi.rate-limit.qps=2", "--keyapi.rate-limit.max-wait=120s", "--proxy.budget.file=" + ledger)
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("proxy.log").toFile())
				.start();
			try {
				Eventually.until("the proxy is ready", Duration.ofSeconds(60),
						() -> status("http://127.0.0.1:" + managementPort + "/actuator/health/readiness") == 200);
				List<CompletableFuture<HttpResponse<Void>>> misses = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					misses.add(HTTP.sendAsync(HttpRequest
						.newBuilder(URI
							.create("http://127.0.0.1:" + port + "/influencers/" + (40_000 + i) + "/livestreams"))
						.build(), HttpResponse.BodyHandlers.discarding()));
				}
				Eventually.until("KeyAPI has seen a few of the misses", Duration.ofSeconds(20),
						() -> keyApi.arrivalNanos().size() >= 4);
			}
			finally {
				proxy.toHandle().destroyForcibly();
				assertThat(proxy.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
			int seen = keyApi.arrivalNanos().size();

			long spent = JournalCreditLedger.read(ledger)
				.getOrDefault(YearMonth.now(ZoneOffset.UTC), java.util.Map.of())
				.getOrDefault("default", 0L);
			assertThat(spent).as("credits on disk after the kill, against %d requests KeyAPI saw", seen)
				.isBetween((long) seen, seen + 2L);
		}
	}

	private static int status(String url) {
		try {
			return HTTP
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (Exception notYet) {
			return 0;
		}
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
