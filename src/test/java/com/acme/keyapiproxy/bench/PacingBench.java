package com.acme.keyapiproxy.bench;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.acme.keyapiproxy.support.KeyApiStandIn;
import com.acme.keyapiproxy.support.KeyApiStubs;

/**
 * {@code bench/pacing.sh}: for each configured qps, a freshly started proxy (its own JVM,
 * from the jar) is given {@code seconds × qps} distinct misses at once, in front of a
 * stand-in that stamps every arrival and enforces the same limit. Prints the rate KeyAPI
 * saw, the most arrivals in any sliding second, refusals, and the makespan next to
 * {@code misses / qps}. Loopback only; everything it starts, it stops.
 */
public final class PacingBench {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private PacingBench() {
	}

	/**
	 * @param args the jar, the JVM to run it with, seconds of misses at qps, then the qps
	 * values
	 */
	public static void main(String[] args) throws Exception {
		String jar = args[0];
		String java = args[1];
		int seconds = Integer.parseInt(args[2]);
		System.out.printf("%6s %7s %12s %16s %14s %9s %12s %10s %10s %7s%n", "qps", "misses", "rate seen",
				"after 1st second", "most in 1 s", "refused", "1st arrival", "makespan", "n/qps", "answers");
		for (int i = 3; i < args.length; i++) {
			run(jar, java, Integer.parseInt(args[i]), seconds);
		}
	}

	private static void run(String jar, String java, int qps, int seconds) throws Exception {
		int misses = qps * seconds;
		int port = freePort();
		int managementPort = freePort();
		Path log = Files.createTempFile("pacing-bench-proxy", ".log");
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(qps)) {
			Process proxy = new ProcessBuilder(java, "-XX:+UseParallelGC", "-jar", jar, "--server.port=" + port,
					"--management.server.port=" + managementPort, "--keyapi.api-key=" + KeyApiStubs.API_KEY,
					"--keyapi.base-url=" + keyApi.baseUrl(), "--keyapi.rate-limit.qps=" + qps,
					"--keyapi.rate-limit.max-wait=" + (seconds * 3) + "s", "--logging.level.root=WARN",
					"--proxy.budget.file=" + Files.createTempDirectory("pacing-bench").resolve("credits"))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				if (!awaitReady(proxy, managementPort)) {
					System.out.printf("%6d refused at start: %s%n", qps, reason(log));
					return;
				}
				long firstMiss = System.nanoTime();
				List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
				for (int i = 0; i < misses; i++) {
					answers.add(HTTP.sendAsync(HttpRequest
						.newBuilder(URI
							.create("http://127.0.0.1:" + port + "/influencers/" + (7_000_000 + i) + "/livestreams"))
						.timeout(Duration.ofMinutes(5))
						.build(), HttpResponse.BodyHandlers.discarding()));
				}
				Map<Integer, Integer> byStatus = new TreeMap<>();
				for (CompletableFuture<HttpResponse<Void>> answer : answers) {
					byStatus.merge(answer.get(5, TimeUnit.MINUTES).statusCode(), 1, Integer::sum);
				}
				List<Long> arrivals = keyApi.arrivalNanos();
				long first = arrivals.get(0);
				long last = arrivals.get(arrivals.size() - 1);
				double span = (last - first) / 1e9;
				long afterFirstSecond = arrivals.stream().filter((at) -> at >= first + 1_000_000_000L).count();
				System.out.printf("%6d %7d %10.1f/s %14.1f/s %14d %9d %10dms %9.2fs %9.2fs %s%n", qps, misses,
						(arrivals.size() - 1) / span, (afterFirstSecond - 1) / (span - 1),
						KeyApiStandIn.mostInAnySlidingSecond(arrivals), keyApi.refusalNanos().size(),
						(first - firstMiss) / 1_000_000, span, (misses - 1) / (double) qps, byStatus);
			}
			finally {
				proxy.destroy();
				proxy.waitFor(30, TimeUnit.SECONDS);
			}
		}
	}

	private static boolean awaitReady(Process proxy, int managementPort) throws InterruptedException {
		for (int i = 0; i < 240 && proxy.isAlive(); i++) {
			try {
				if (HTTP
					.send(HttpRequest
						.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
						.build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200) {
					return true;
				}
			}
			catch (java.io.IOException notYet) {
				// Starting.
			}
			Thread.sleep(250);
		}
		return false;
	}

	private static String reason(Path log) throws java.io.IOException {
		return Files.readAllLines(log)
			.stream()
			.filter((line) -> line.contains("Reason:"))
			.findFirst()
			.map(String::strip)
			.orElse("see " + log);
	}

	private static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
