package com.acme.keyapiproxy.cache.shared;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;

/**
 * The page cache's keys and channel in Redis, each under {@code proxy.shared.key-prefix}:
 * <ul>
 * <li>{@code pages:<userId>}: one hash per influencer, field = page number, value =
 * {@link com.acme.keyapiproxy.cache.StoredPageCodec} bytes, plus the field
 * {@value RedisPageStore#SUPERSEDED_BEFORE} (see {@link RedisPageStore});</li>
 * <li>{@code lease:<userId>:<page>}: a replica's lease on fetching a page, holding its
 * fencing token, and {@code fence:<userId>:<page>}: the counter that issues those tokens
 * (see {@link FetchLeases});</li>
 * <li>{@code invalidations}: the channel of purges and supersessions (see
 * {@link CacheInvalidations}).</li>
 * </ul>
 */
record RedisKeys(SharedStateProperties shared) {

	String pages(String userId) {
		return this.shared.key("pages:" + userId);
	}

	/** A {@code SCAN} pattern matching every influencer's pages. */
	String everyInfluencersPages() {
		return this.shared.key("pages:*");
	}

	String lease(PageKey key) {
		return this.shared.key("lease:" + key.userId() + ":" + key.page());
	}

	String fence(PageKey key) {
		return this.shared.key("fence:" + key.userId() + ":" + key.page());
	}

	String invalidations() {
		return this.shared.key("invalidations");
	}

}
