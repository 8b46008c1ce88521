package com.acme.keyapiproxy.cache;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.stereotype.Component;

/**
 * {@code DELETE /actuator/pagecache?userId=…} on the management port drops one
 * influencer's cached pages, and {@code DELETE /actuator/pagecache} drops them all: for
 * when a vendor correction must show at once.
 */
@Component
@Endpoint(id = "pagecache")
class CachePurgeEndpoint {

	private static final Logger log = LoggerFactory.getLogger(CachePurgeEndpoint.class);

	private final PageCache cache;

	CachePurgeEndpoint(PageCache cache) {
		this.cache = cache;
	}

	@DeleteOperation
	Map<String, Object> purge(@Nullable String userId) {
		long purged = (userId != null) ? this.cache.invalidateInfluencer(userId) : this.cache.invalidateAll();
		log.info("Purged {} cached pages ({})", purged, (userId != null) ? "influencer " + userId : "all");
		return Map.of("purged", purged, "userId", (userId != null) ? userId : "*");
	}

}
