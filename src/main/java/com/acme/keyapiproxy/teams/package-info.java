/** Who is asking: bearer token to team. */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package com.acme.keyapiproxy.teams;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
