package com.acme.keyapiproxy;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The package dependencies of DESIGN.md, verified: api → livestreams → {cache, upstream, teams}, no cycles, and no
 * package reaching into another's internals. Also writes the module diagram to target/spring-modulith-docs.
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
