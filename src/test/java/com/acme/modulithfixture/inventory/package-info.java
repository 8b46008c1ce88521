/** A module whose API is {@link Inventory}, with its internals in a sub-package. */
@ApplicationModule(allowedDependencies = {})
package com.acme.modulithfixture.inventory;

import org.springframework.modulith.ApplicationModule;
