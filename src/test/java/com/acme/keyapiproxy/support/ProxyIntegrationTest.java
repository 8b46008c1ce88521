package com.acme.keyapiproxy.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole proxy on random ports, with WireMock standing in for KeyAPI.
 * <p>
 * One WireMock serves the whole test run, on one port: Spring caches application contexts
 * across test classes with the same configuration, so a per-class WireMock would leave a
 * cached context pointing at a stopped server. Stubs, scenarios and the request journal
 * are reset before every test; tests use distinct user ids so cached pages never leak
 * between them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "keyapi.api-key=" + KeyApiStubs.API_KEY,
				"proxy.budget.file=target/test-ledgers/${random.uuid}/credits", Operator.CONFIGURED })
@Tag("integration")
public abstract class ProxyIntegrationTest {

	protected static final WireMockServer keyApi = KeyApiWireMock.server();

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	protected ProxyClient proxy;

	@DynamicPropertySource
	static void keyApiBaseUrl(DynamicPropertyRegistry registry) {
		registry.add("keyapi.base-url", keyApi::baseUrl);
	}

	@BeforeEach
	void resetKeyApiAndConnect() {
		keyApi.resetAll();
		this.proxy = new ProxyClient(this.port, this.managementPort);
	}

}
