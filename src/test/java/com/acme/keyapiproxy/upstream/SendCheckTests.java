package com.acme.keyapiproxy.upstream;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.reactive.function.client.WebClient;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.KeyApiWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check a fetch passes to {@link KeyApiClient#fetch} is asked right before every
 * attempt goes on the wire, the first and each retry: a refusal sends nothing, is not
 * retried, not counted as an attempt, and fails the fetch with the refusal itself.
 */
class SendCheckTests {

	private static final WireMockServer keyApi = KeyApiWireMock.server();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final KeyApiClient client = new KeyApiClient(
			new KeyApiProperties(URI.create(keyApi.baseUrl()), KeyApiStubs.API_KEY, Duration.ofSeconds(2),
					new KeyApiProperties.RateLimit(50, Duration.ofSeconds(5)),
					new KeyApiProperties.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)),
					new KeyApiProperties.CircuitBreaker(50, 20, 10, Duration.ofSeconds(30)), Duration.ofMinutes(5)),
			WebClient.builder(), this.meters, Clock.systemUTC(),
			new DefaultListableBeanFactory().getBeanProvider(SharedPacing.class));

	@AfterEach
	void stopClient() {
		this.client.destroy();
	}

	@Test
	void aFirstAttemptTheCheckRefusesIsNotSentAndTheFetchFailsWithTheRefusal() {
		keyApi.stubFor(KeyApiStubs.livestreams("2950").willReturn(KeyApiStubs.itemsOfSize(10)));
		List<String> steps = new CopyOnWriteArrayList<>();
		RuntimeException leaseLost = new IllegalStateException("another replica took the page over");

		assertThatThrownBy(() -> this.client.fetch(query("2950"), () -> steps.add("credit spent"), () -> {
			steps.add("checked");
			throw leaseLost;
		}, () -> steps.add("charged")).block()).isSameAs(leaseLost);

		assertThat(steps).containsExactly("credit spent", "checked");
		assertThat(requestsFor("2950")).isZero();
		assertThat(this.meters.find("keyapi.proxy.upstream.requests")
			.counters()
			.stream()
			.mapToDouble((c) -> c.count())
			.sum()).as("attempts counted").isZero();
	}

	@Test
	void aRetryTheCheckRefusesIsNotSent() {
		keyApi.stubFor(KeyApiStubs.livestreams("2951").willReturn(KeyApiStubs.vendorError(500)));
		AtomicInteger checks = new AtomicInteger();
		RuntimeException leaseLost = new IllegalStateException("another replica took the page over");

		assertThatThrownBy(() -> this.client.fetch(query("2951"), () -> {
		}, () -> {
			if (checks.incrementAndGet() > 1) {
				throw leaseLost;
			}
		}, () -> {
		}).block()).isSameAs(leaseLost);

		assertThat(checks).as("asked before the first attempt and before the retry").hasValue(2);
		assertThat(requestsFor("2951")).as("the first attempt only").isEqualTo(1);
	}

	@Test
	void everyAttemptIsCheckedBeforeItIsSent() {
		keyApi.stubFor(KeyApiStubs.livestreams("2952").willReturn(KeyApiStubs.vendorError(500)));
		AtomicInteger checks = new AtomicInteger();

		assertThatThrownBy(() -> this.client.fetch(query("2952"), () -> {
		}, checks::incrementAndGet, () -> {
		}).block()).isInstanceOf(UpstreamUnavailable.class);

		assertThat(checks).hasValue(3);
		assertThat(requestsFor("2952")).isEqualTo(3);
	}

	private static LivestreamsQuery query(String userId) {
		return new LivestreamsQuery(userId, 1, 10, "alpha", 1);
	}

	private static int requestsFor(String userId) {
		return keyApi
			.findAll(getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId)))
			.size();
	}

}
