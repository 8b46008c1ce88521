package com.acme.keyapiproxy.upstream;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyClient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When requests reached WireMock's KeyAPI, and whether any sliding second held too many.
 */
public final class KeyApiArrivals {

	private KeyApiArrivals() {
	}

	/**
	 * WireMock runs in the test's own JVM and stamps a request when it has parsed it, so
	 * while both it and the proxy are cold and the two cores are saturated, its stamps
	 * lag by hundreds of milliseconds and bunch up. A few misses one after another warm
	 * both, then the request log is cleared for the measurement.
	 */
	static void warmUp(WireMockServer keyApi, ProxyClient proxy, String... headers) {
		for (int i = 0; i < 12; i++) {
			proxy.get("/influencers/" + (990_000 + i) + "/livestreams", headers);
		}
		keyApi.resetRequests();
	}

	public static List<Long> sortedMillis(WireMockServer keyApi) {
		return keyApi.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)))
			.stream()
			.map((request) -> request.getLoggedDate().getTime())
			.sorted()
			.toList();
	}

	/**
	 * No window of one second (however placed) holds more than {@code limit} arrivals.
	 */
	public static void assertAtMostPerSlidingSecond(List<Long> sortedArrivals, int limit) {
		for (int i = 0; i + limit < sortedArrivals.size(); i++) {
			assertThat(sortedArrivals.get(i + limit) - sortedArrivals.get(i))
				.as("ms between request %d and request %d at KeyAPI", i, i + limit)
				.isGreaterThanOrEqualTo(1000);
		}
	}

}
