package com.acme.keyapiproxy.upstream;

import java.net.URI;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * The WebClient's connector, holding each request at the send gate after its connection is ready and before a byte
 * of it is written: the request callback, which writes it, runs only once the attempt's {@link UpstreamSlots.Slot} (in
 * the subscriber's context) is let through, and the attempt's {@link SendCheck} (in the context too) has confirmed it
 * may still go. So connecting — a cold pool, a TLS handshake — happens before the attempt's turn, the turn ends with
 * the write, and nothing comes between the check and the write but the write's own start.
 */
final class GatedConnector implements ClientHttpConnector {

	private final ClientHttpConnector delegate;

	GatedConnector(ClientHttpConnector delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		return this.delegate.connect(method, uri, (request) -> Mono.deferContextual((context) -> context
			.<UpstreamSlots.Slot>getOrEmpty(UpstreamSlots.Slot.class)
			.map(UpstreamSlots.Slot::letThrough)
			.orElseGet(Mono::empty)
			.then(Mono.fromRunnable(() -> confirm(context.getOrDefault(SendCheck.class, SendCheck.NONE)))))
			.then(Mono.defer(() -> requestCallback.apply(request))));
	}

	private static void confirm(SendCheck check) {
		try {
			check.confirm();
		}
		catch (RuntimeException refused) {
			throw new SendWithdrawn(refused);
		}
	}

}
