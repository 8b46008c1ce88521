package com.acme.keyapiproxy.upstream;

import java.net.URI;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * The WebClient's connector, holding each request at the send gate after its connection
 * is ready and before a byte of it is written: the request callback, which writes it,
 * runs only once the attempt's {@link UpstreamSlots.Slot} (in the subscriber's context)
 * is let through. So connecting — a cold pool, a TLS handshake — happens before the
 * attempt's turn, and the turn ends with the write.
 */
final class GatedConnector implements ClientHttpConnector {

	private final ClientHttpConnector delegate;

	GatedConnector(ClientHttpConnector delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		return this.delegate.connect(method, uri,
				(request) -> Mono
					.deferContextual((context) -> context.<UpstreamSlots.Slot>getOrEmpty(UpstreamSlots.Slot.class)
						.map(UpstreamSlots.Slot::letThrough)
						.orElseGet(Mono::empty))
					.then(Mono.defer(() -> requestCallback.apply(request))));
	}

}
