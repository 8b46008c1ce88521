/**
 * A module allowed to depend on inventory, which reaches into inventory's internals
 * anyway.
 */
@ApplicationModule(allowedDependencies = "inventory")
package com.acme.modulithfixture.orders;

import org.springframework.modulith.ApplicationModule;
