package com.acme.keyapiproxy.support;

import java.util.Random;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A flaky KeyAPI: stubs that opt in (with
 * {@code .withTransformers(HalfServerErrors.NAME)}) answer 500 to half of all requests,
 * at random from a fixed seed.
 */
public final class HalfServerErrors implements ResponseDefinitionTransformerV2 {

	public static final String NAME = "half-server-errors";

	private final Random random = new Random(20261125L);

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		boolean fail;
		synchronized (this.random) {
			fail = this.random.nextBoolean();
		}
		return fail ? KeyApiStubs.vendorError(500).build() : serveEvent.getResponseDefinition();
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public String getName() {
		return NAME;
	}

}
