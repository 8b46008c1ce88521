package com.acme.keyapiproxy.livestreams;

import java.time.Duration;

/**
 * A page for one caller.
 *
 * @param view the body and its tag
 * @param delivery how it reached the caller
 * @param ageSeconds seconds since KeyAPI gave it (the oldest of its parts)
 * @param freshFor how much longer it is fresh (zero when stale)
 * @param creditsCharged what this answer cost the caller's team
 */
public record Answer(PageView view, Delivery delivery, long ageSeconds, Duration freshFor, int creditsCharged) {
}
