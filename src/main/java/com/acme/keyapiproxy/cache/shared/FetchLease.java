package com.acme.keyapiproxy.cache.shared;

import java.nio.charset.StandardCharsets;

import com.acme.keyapiproxy.cache.PageKey;

/**
 * A replica's claim to fetch one page.
 *
 * @param token its fencing token: higher than that of every lease of the page before it
 */
record FetchLease(PageKey key, long token) {

	byte[] tokenBytes() {
		return Long.toString(this.token).getBytes(StandardCharsets.US_ASCII);
	}

}
