/**
 * The page cache on Caffeine: coalesced loads, freshness and stale windows, a bound in
 * bytes. Knows nothing of HTTP or teams.
 */
@ApplicationModule(allowedDependencies = { "sharedstate" })
@NullMarked
package com.acme.keyapiproxy.cache;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
