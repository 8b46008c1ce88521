package com.acme.keyapiproxy;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The package dependencies of DESIGN.md, verified: each package's
 * {@code @ApplicationModule(allowedDependencies)} in its package-info (api → livestreams
 * → {cache, budget, upstream, teams} → sharedstate; api also maps the lower packages'
 * refusals to problems), no cycles, and no package reaching into another's internals: an
 * import outside what a package allows fails {@link #packagesDependOneWayOnly}
 * ({@link ModuleRulesTests} shows it failing on a fixture application that breaks both
 * rules). A package's internals are its sub-packages ({@code budget.journal},
 * {@code budget.shared}, {@code cache.shared}, {@code upstream.shared}). Also writes the
 * module diagram to target/spring-modulith-docs.
 */
class ModularityTests {

	private final ApplicationModules modules = ApplicationModules.of(KeyApiProxyApplication.class);

	@Test
	void packagesDependOneWayOnly() {
		this.modules.verify();
	}

	@Test
	void writeModuleDiagram() {
		new Documenter(this.modules).writeModulesAsPlantUml();
	}

}
