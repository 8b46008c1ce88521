package com.acme.keyapiproxy.upstream;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request is written only once its slot lets it through: connecting happens before, on
 * a connector that stands in for Netty's.
 */
class GatedConnectorTests {

	private static final ClientHttpRequest REQUEST = (ClientHttpRequest) Proxy.newProxyInstance(
			GatedConnectorTests.class.getClassLoader(), new Class<?>[] { ClientHttpRequest.class },
			(proxy, method, args) -> {
				throw new UnsupportedOperationException(method.getName());
			});

	private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor();

	private final CountDownLatch written = new CountDownLatch(1);

	/** Connects at once, then writes: the request callback is the write. */
	private final ClientHttpConnector network = new ClientHttpConnector() {
		@Override
		public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
				java.util.function.Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
			return requestCallback.apply(REQUEST).then(Mono.empty());
		}
	};

	private final GatedConnector connector = new GatedConnector(this.network);

	@AfterEach
	void stop() {
		this.dispatcher.shutdownNow();
	}

	@Test
	void theRequestIsWrittenOnlyOnceItsSlotIsLetThrough() throws Exception {
		UpstreamSlots slots = SlotsBuilder.on(this.dispatcher).build();
		UpstreamSlots.Slot sending = slots.turn("a", 1, Mono.empty(), SendCheck.NONE)
			.flatMap((slot) -> slot.letThrough().thenReturn(slot))
			.toFuture()
			.get(2, TimeUnit.SECONDS);
		UpstreamSlots.Slot next = slots.turn("a", 1, Mono.empty(), SendCheck.NONE).toFuture().get(2, TimeUnit.SECONDS);

		CompletableFuture<ClientHttpResponse> attempt = send(Context.of(UpstreamSlots.Slot.class, next));

		assertThat(this.written.await(200, TimeUnit.MILLISECONDS)).as("not written while the send ahead holds the gate")
			.isFalse();
		sending.written();
		assertThat(this.written.await(2, TimeUnit.SECONDS)).as("written once let through").isTrue();
		attempt.get(2, TimeUnit.SECONDS);
		next.end();
	}

	@Test
	void aRequestWithoutASlotIsWrittenAtOnce() throws Exception {
		send(Context.empty()).get(2, TimeUnit.SECONDS);

		assertThat(this.written.getCount()).isZero();
	}

	private CompletableFuture<ClientHttpResponse> send(Context context) {
		return this.connector
			.connect(HttpMethod.GET, URI.create("http://keyapi.test/"), (request) -> Mono.fromRunnable(() -> {
				assertThat(request).isSameAs(REQUEST);
				this.written.countDown();
			}))
			.contextWrite(context)
			.toFuture();
	}

}
