/**
 * The management port's door: which views anyone who reaches it may read (probes,
 * scraping, the API description), and the operator's bearer token that every other
 * operation needs (per-team spend, the cache purge, any view added later).
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package com.acme.keyapiproxy.operator;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
