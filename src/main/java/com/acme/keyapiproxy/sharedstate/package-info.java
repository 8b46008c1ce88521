/**
 * Shared mode: when {@code spring.data.redis.url} is set, the replicas keep what makes
 * them one proxy (the upstream rate limit, the fetch leases, the page cache's second
 * level, the credit ledger) in one Redis. This package only switches it on and names its
 * failure; each package keeps its own state there.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package com.acme.keyapiproxy.sharedstate;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
