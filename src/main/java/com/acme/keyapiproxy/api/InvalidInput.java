package com.acme.keyapiproxy.api;

/** A request input outside the contract's rules; KeyAPI is not called. */
final class InvalidInput extends RuntimeException {

	private final String code;

	InvalidInput(String code, String detail) {
		super(detail, null, false, false);
		this.code = code;
	}

	String code() {
		return this.code;
	}

}
