package com.acme.keyapiproxy.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A KeyAPI page as it is kept: its items as the vendor sent them (to answer any slice of
 * them), and the answer for the whole page prepared once when it was stored, so the
 * common hit writes these bytes and this tag, nothing more.
 *
 * @param items the vendor's objects, each as raw UTF-8 JSON bytes
 * @param requestId the vendor's {@code requestId}, if any
 * @param fetchedAt when KeyAPI gave it
 * @param body the complete response body for the whole page
 * @param etag a strong entity tag of that body, quoted
 * @param superseded a newer first page showed the history has shifted since this page was
 * fetched: it must not be answered as if fresh (but may still be, stale, when KeyAPI
 * fails)
 */
public record StoredPage(List<byte[]> items, @Nullable String requestId, Instant fetchedAt, byte[] body, String etag,
		boolean superseded) {

	/** Whole seconds since it was fetched, never negative. */
	public long ageSeconds(Instant now) {
		return Math.max(0, Duration.between(this.fetchedAt, now).getSeconds());
	}

	public StoredPage markedSuperseded() {
		return new StoredPage(this.items, this.requestId, this.fetchedAt, this.body, this.etag, true);
	}

	/**
	 * Bytes held in memory, roughly: the items, the prepared body, the tag and the
	 * objects around them.
	 */
	int weight() {
		int itemBytes = 0;
		for (byte[] item : this.items) {
			itemBytes += item.length + 16;
		}
		return itemBytes + this.body.length + this.etag.length() + 200;
	}

}
