package com.acme.keyapiproxy.support;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The whole proxy on random ports, with WireMock standing in for KeyAPI. Each test class gets its own WireMock (so its
 * own application context); tests use distinct user ids so cached pages never leak between them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "keyapi.api-key=" + KeyApiStubs.API_KEY })
public abstract class ProxyIntegrationTest {

	@RegisterExtension
	protected static final WireMockExtension keyApi = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().containerThreads(64).jettyAcceptors(2).extensions(new HalfServerErrors()))
		.build();

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	protected ProxyClient proxy;

	@DynamicPropertySource
	static void keyApiBaseUrl(DynamicPropertyRegistry registry) {
		registry.add("keyapi.base-url", () -> keyApi.getRuntimeInfo().getHttpBaseUrl());
	}

	@BeforeEach
	void connectClient() {
		this.proxy = new ProxyClient(this.port, this.managementPort);
	}

	protected static WireMockRuntimeInfo keyApiInfo() {
		return keyApi.getRuntimeInfo();
	}

}
