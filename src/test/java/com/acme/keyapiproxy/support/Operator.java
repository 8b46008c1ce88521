package com.acme.keyapiproxy.support;

/**
 * The operator's credential every test proxy is configured with
 * ({@code proxy.operator.token-sha256}), for the management operations that need it.
 */
public final class Operator {

	/** A secret like any operator's: in no log line, actuator view or answer. */
	public static final String TOKEN = "operator-token-for-tests";

	/** {@code printf %s operator-token-for-tests | sha256sum} */
	public static final String TOKEN_SHA256 = "534125de141542e27a3668e21ce0ad7a4820c1a76d97a5d098b1c7df6eca3f1d";

	public static final String CONFIGURED = "proxy.operator.token-sha256=" + TOKEN_SHA256;

	private Operator() {
	}

}
