package com.acme.keyapiproxy.livestreams;

/** The caller said {@code only-if-cached} and no fresh page is stored. */
public final class NotCached extends RuntimeException {

	NotCached() {
		super("Nothing fresh is cached for this page and the request said only-if-cached", null, false, false);
	}

}
