/**
 * Inbound HTTP: the hit filter, the controller, input rules, response headers and the RFC
 * 9457 problem mapping. No business decisions.
 */
@ApplicationModule(allowedDependencies = { "livestreams", "teams", "budget", "upstream", "sharedstate" })
@NullMarked
package com.acme.keyapiproxy.api;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
