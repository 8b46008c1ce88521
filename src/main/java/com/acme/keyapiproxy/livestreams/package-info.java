/**
 * The use case: given a team, a page and the caller's cache directives, decide hit, miss,
 * stale or refuse.
 */
@ApplicationModule(allowedDependencies = { "cache", "budget", "upstream", "teams", "sharedstate" })
@NullMarked
package com.acme.keyapiproxy.livestreams;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
