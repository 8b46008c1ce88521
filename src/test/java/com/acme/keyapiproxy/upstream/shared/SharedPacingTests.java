package com.acme.keyapiproxy.upstream.shared;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import com.acme.keyapiproxy.support.Concurrently;
import com.acme.keyapiproxy.support.KeyApiStandIn;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;
import com.acme.keyapiproxy.support.SlowConnections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three replicas in shared mode, each started for the test (cold), in front of one
 * stand-in that stamps every arrival and enforces its limit in a sliding second: they
 * keep KeyAPI's limit together, refuse at once what the shared line cannot serve in time,
 * and learn a lower limit together.
 */
@Tag("integration")
@SharedModeTest
class SharedPacingTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void threeColdReplicasBehindSlowNewConnectionsKeepTheLimitTogether() throws Exception {
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(5);
				SlowConnections slow = SlowConnections.to(keyApi.port(), Duration.ofMillis(300));
				ProxyReplicas replicas = threeReplicas(slow.baseUrl(), "keyapi.rate-limit.max-wait=40s")) {
			List<HttpResponse<String>> answers = Concurrently.run(60,
					(caller) -> replicas.roundRobin(caller)
						.client()
						.get("/influencers/" + (7_400_000 + caller) + "/livestreams"));

			assertThat(answers)
				.allSatisfy((answer) -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
			assertThat(KeyApiStandIn.mostInAnySlidingSecond(keyApi.arrivalNanos())).isLessThanOrEqualTo(5);
			assertThat(keyApi.refusalNanos()).isEmpty();
		}
	}

	@Test
	void threeColdReplicasAtQps50KeepTheLimitTogether() throws Exception {
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(50);
				ProxyReplicas replicas = threeReplicas(keyApi.baseUrl(), "keyapi.rate-limit.max-wait=40s",
						"keyapi.rate-limit.qps=50")) {
			List<HttpResponse<String>> answers = Concurrently.run(150,
					(caller) -> replicas.roundRobin(caller)
						.client()
						.get("/influencers/" + (7_450_000 + caller) + "/livestreams"));

			assertThat(answers)
				.allSatisfy((answer) -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
			assertThat(KeyApiStandIn.mostInAnySlidingSecond(keyApi.arrivalNanos())).isLessThanOrEqualTo(50);
			assertThat(keyApi.refusalNanos()).isEmpty();
		}
	}

	@Test
	void missesTheSharedLineCannotServeWithinTheLongestWaitAreRefusedAtOnceWithItsBacklog() throws Exception {
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(5);
				ProxyReplicas replicas = threeReplicas(keyApi.baseUrl(), "keyapi.rate-limit.max-wait=5s")) {
			List<Timed> answers = Concurrently.run(90, (caller) -> {
				long start = System.nanoTime();
				HttpResponse<String> answer = replicas.roundRobin(caller)
					.client()
					.get("/influencers/" + (7_500_000 + caller) + "/livestreams");
				return new Timed(answer, Duration.ofNanos(System.nanoTime() - start));
			});

			List<Timed> served = answers.stream().filter((timed) -> timed.answer().statusCode() == 200).toList();
			List<Timed> refused = answers.stream().filter((timed) -> timed.answer().statusCode() != 200).toList();
			List<Timed> refusedAtOnce = refused.stream().filter((timed) -> timed.took().toMillis() < 3000).toList();
			assertThat(served).as("served within 5 s of slots at one per 205 ms").hasSizeBetween(18, 30);
			assertThat(refused).allSatisfy((timed) -> {
				assertThat(timed.answer().statusCode()).isEqualTo(503);
				assertThat(JSON.readTree(timed.answer().body()).get("code").asString()).isEqualTo("upstream_busy");
				// Never later than the longest wait and an interval, and what three cold
				// replicas add to a request.
				assertThat(timed.took()).isLessThan(Duration.ofMillis(7000));
			});
			// A cold replica's first sends take longer than its estimate knows: some at
			// the edge of the line are refused when their wait runs out (how many depends
			// on how cold). The rest of what the line cannot serve, by far the most, is
			// refused at once (before the shared backlog, none was).
			assertThat(refusedAtOnce).as("refused at once, of %d refused", refused.size())
				.hasSizeGreaterThanOrEqualTo(refused.size() * 3 / 4);
			// The whole line (~25 misses at 5/s) drains in about 5 s, whichever replica
			// refused (one replica's own ~8 would say 2 s), and never later than max-wait
			// and an interval: what a refusal quotes.
			assertThat(refusedAtOnce.stream().mapToLong((timed) -> retryAfter(timed.answer())).max().orElseThrow())
				.isBetween(4L, 6L);
			assertThat(KeyApiStandIn.mostInAnySlidingSecond(keyApi.arrivalNanos())).isLessThanOrEqualTo(5);
		}
	}

	@Test
	void aLowerVendorLimitIsLearnedByEveryReplica() throws Exception {
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(4);
				ProxyReplicas replicas = threeReplicas(keyApi.baseUrl(), "keyapi.rate-limit.max-wait=60s")) {
			List<HttpResponse<String>> answers = Concurrently.run(80,
					(caller) -> replicas.roundRobin(caller)
						.client()
						.get("/influencers/" + (7_600_000 + caller) + "/livestreams"));

			assertThat(answers)
				.allSatisfy((answer) -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
			List<Long> arrivals = keyApi.arrivalNanos();
			long middle = arrivals.get(0) + (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 2;
			assertThat(keyApi.refusalNanos()).hasSizeLessThanOrEqualTo(8).allMatch((at) -> at < middle);
			for (ProxyReplicas.Replica replica : replicas.all()) {
				assertThat(replica.client().metric("keyapi_proxy_upstream_rate", "")).isBetween(3.0, 4.1);
			}
		}
	}

	private static ProxyReplicas threeReplicas(String keyApiBaseUrl, String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "keyapi.base-url=" + keyApiBaseUrl;
		all[1] = "keyapi.rate-limit.qps=5";
		System.arraycopy(properties, 0, all, 2, properties.length);
		ProxyReplicas replicas = new ProxyReplicas(SharedRedis.get(), all);
		for (int i = 0; i < 3; i++) {
			replicas.start();
		}
		return replicas;
	}

	private static long retryAfter(HttpResponse<String> answer) {
		return Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow());
	}

	private record Timed(HttpResponse<String> answer, Duration took) {
	}

}
