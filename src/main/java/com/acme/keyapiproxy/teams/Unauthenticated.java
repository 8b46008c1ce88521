package com.acme.keyapiproxy.teams;

/** Teams are configured and the request carries no bearer token, or one no team holds. */
public final class Unauthenticated extends RuntimeException {

	Unauthenticated(String message) {
		super(message, null, false, false);
	}

}
