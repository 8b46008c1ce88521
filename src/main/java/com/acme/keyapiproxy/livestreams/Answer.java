package com.acme.keyapiproxy.livestreams;

import java.time.Duration;

import com.acme.keyapiproxy.cache.StoredPage;

/**
 * A page for one caller.
 *
 * @param page the stored page (body and tag prepared when it was stored)
 * @param delivery how it reached the caller
 * @param ageSeconds seconds since KeyAPI gave it
 * @param freshFor how much longer it is fresh (zero when stale)
 * @param creditsCharged what this answer cost the caller's team
 */
public record Answer(StoredPage page, Delivery delivery, long ageSeconds, Duration freshFor, int creditsCharged) {
}
