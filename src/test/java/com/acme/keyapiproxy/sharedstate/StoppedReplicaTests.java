package com.acme.keyapiproxy.sharedstate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;
import com.acme.keyapiproxy.support.ProxyReplicas;
import com.acme.keyapiproxy.support.ProxyProcess;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica stopped whole (SIGSTOP, as a long GC pause or a frozen VM stops it) between
 * taking a page's lease and sending its request, for longer than the lease: another
 * replica takes the page over, and the stopped one, resumed, does not send its request
 * (its fencing token is stale), is not charged, and answers its caller with the page the
 * other replica fetched.
 */
@Tag("integration")
@SharedModeTest
class StoppedReplicaTests {

	private static final String[] ALPHA = { "Authorization", "Bearer alpha-token" };

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	@Test
	void aReplicaStoppedPastItsLeaseDoesNotSendThePageAnotherReplicaTookOverAndNobodyPaysTwice() throws Exception {
		Assumptions.assumeTrue(ProxyProcess.canBeStoppedWhole(),
				"stopping a replica needs Linux's /proc and kill(1) (procps)");
		String userId = "7700000000000000001";
		String path = "/influencers/" + userId + "/livestreams";
		keyApi.stubFor(KeyApiStubs.livestreams(userId).willReturn(KeyApiStubs.itemsOfSize(10)));
		try (ProxyReplicas replicas = new ProxyReplicas(SharedRedis.get(), "proxy.shared.lease-ttl=1s",
				"keyapi.rate-limit.max-wait=60s",
				"proxy.teams.alpha.token-sha256=a336d9b1d8b8647875238537ca5087b0ea335afd2032936aecdffc3e4b13f720");
				ProxyProcess stopping = ProxyProcess.startReplica(replicas, ReplicaThatStopsBeforeItsFirstSend.class)) {
			ProxyReplicas.Replica other = replicas.start();

			CompletableFuture<HttpResponse<String>> stoppedCaller = CompletableFuture
				.supplyAsync(() -> stopping.client().get(path, ALPHA));
			Eventually.until("the replica holding the lease is stopped before its send (log: " + stopping.log() + ")",
					Duration.ofSeconds(30), stopping::isStopped);
			HttpResponse<String> otherCaller = other.client().get(path, ALPHA);

			assertThat(otherCaller.statusCode()).isEqualTo(200);
			assertThat(otherCaller.headers().firstValue("Credits-Charged")).as("the replica that took over paid")
				.hasValue("1");
			assertThat(upstreamCallsFor(userId)).isEqualTo(1);

			stopping.resume();
			HttpResponse<String> resumed = stoppedCaller.get(60, TimeUnit.SECONDS);

			assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
			assertThat(upstreamCallsFor(userId)).as("requests KeyAPI received for the page").isEqualTo(1);
			assertThat(other.client().get("/usage", ALPHA).body()).as("the team was charged once")
				.contains("\"credits_spent\":1,");
			assertThat(resumed.body()).as("the page the other replica fetched").isEqualTo(otherCaller.body());
			assertThat(resumed.headers().firstValue("Credits-Charged")).hasValue("0");
			assertThat(resumed.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; fwd=miss; collapsed");
		}
	}

	private static int upstreamCallsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)))
			.size();
	}

}
