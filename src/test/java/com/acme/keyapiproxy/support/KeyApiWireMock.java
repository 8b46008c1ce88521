package com.acme.keyapiproxy.support;

import com.github.tomakehurst.wiremock.WireMockServer;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The one WireMock standing in for KeyAPI in this test run, shared by every proxy the
 * tests start.
 */
public final class KeyApiWireMock {

	private static final WireMockServer SERVER = start();

	private KeyApiWireMock() {
	}

	public static WireMockServer server() {
		return SERVER;
	}

	private static WireMockServer start() {
		WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort()
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.jettyAcceptors(2)
			.extensions(new HalfServerErrors()));
		server.start();
		Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keyapi-wiremock-stop"));
		return server;
	}

}
