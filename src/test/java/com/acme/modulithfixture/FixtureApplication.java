package com.acme.modulithfixture;

import org.springframework.modulith.Modulithic;

/**
 * A three-module application that breaks the module rules on purpose, for
 * {@code com.acme.keyapiproxy.ModuleRulesTests}: {@code orders} uses a type internal to
 * {@code inventory}, and {@code billing} uses {@code orders}, which its
 * {@code allowedDependencies} do not list. Test scope only, outside
 * {@code com.acme.keyapiproxy}, so neither the proxy's component scan nor its
 * {@code ModularityTests} ever see it; nothing here is a Spring bean.
 */
@Modulithic
public final class FixtureApplication {

	private FixtureApplication() {
	}

}
