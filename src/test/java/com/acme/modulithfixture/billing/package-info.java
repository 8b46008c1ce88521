/** A module allowed to depend on inventory only, which uses orders anyway. */
@ApplicationModule(allowedDependencies = "inventory")
package com.acme.modulithfixture.billing;

import org.springframework.modulith.ApplicationModule;
