package com.acme.keyapiproxy.cache;

import java.time.Duration;
import java.time.Instant;

/**
 * A page as it is answered, prepared once when it was stored: a hit writes these bytes and this tag, nothing more.
 *
 * @param body the complete response body
 * @param etag a strong entity tag of the body, quoted
 * @param fetchedAt when KeyAPI gave it
 */
public record StoredPage(byte[] body, String etag, Instant fetchedAt) {

	/** Whole seconds since it was fetched, never negative. */
	public long ageSeconds(Instant now) {
		return Math.max(0, Duration.between(this.fetchedAt, now).getSeconds());
	}

	/** Bytes held in memory, roughly: the body plus the record, tag and key around it. */
	int weight() {
		return this.body.length + this.etag.length() + 160;
	}

}
