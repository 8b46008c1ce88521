/**
 * Everything about KeyAPI: its properties, the client, the envelope, the vendor-error
 * mapping, pacing, retry and circuit breaker. The only package that sees the key.
 */
@ApplicationModule(allowedDependencies = { "sharedstate" })
@NullMarked
package com.acme.keyapiproxy.upstream;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
