package com.acme.keyapiproxy.upstream;

import java.util.Optional;

import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientInfos;

/**
 * Tells an attempt's {@link UpstreamSlots.Slot} when KeyAPI can be taken to have its
 * request, which ends the attempt's hold on the send gate. That is when the request has
 * been written — on a connection known to reach KeyAPI: one whose TLS handshake KeyAPI
 * answered (every real one; Reactor Netty writes nothing before it), or one KeyAPI has
 * answered before. On a new plain-HTTP connection a write proves nothing (a proxy or
 * relay in between may forward it much later), so there the hold ends with KeyAPI's
 * answer. Called on Netty's event loops; only hands over to the slot.
 */
final class SendReports {

	private static final AttributeKey<Boolean> ANSWERED = AttributeKey
		.valueOf(SendReports.class.getName() + ".answered");

	private SendReports() {
	}

	/**
	 * The client, with its requests and responses reported to the slot in their
	 * subscriber's context.
	 */
	static HttpClient reporting(HttpClient http) {
		return http.doAfterRequest((request, connection) -> {
			if (reachesKeyApi(connection)) {
				slotOf(request).ifPresent(UpstreamSlots.Slot::written);
			}
		}).doOnResponse((response, connection) -> {
			connection.channel().attr(ANSWERED).set(Boolean.TRUE);
			slotOf(response).ifPresent(UpstreamSlots.Slot::sent);
		});
	}

	private static boolean reachesKeyApi(Connection connection) {
		return connection.channel().hasAttr(ANSWERED) || connection.channel().pipeline().get(SslHandler.class) != null;
	}

	private static Optional<UpstreamSlots.Slot> slotOf(HttpClientInfos exchange) {
		return exchange.currentContextView().getOrEmpty(UpstreamSlots.Slot.class);
	}

}
