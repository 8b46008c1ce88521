package com.acme.keyapiproxy;

import java.util.List;

import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.Violations;

import com.acme.modulithfixture.FixtureApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What {@link ModularityTests} relies on, shown to bite: the same
 * {@code ApplicationModules.verify()} over a small application that breaks both rules the
 * proxy's packages follow (test scope, {@link FixtureApplication}) fails, naming each
 * break — a module using a type in another module's sub-package (its internals), and a
 * module using a module its {@code allowedDependencies} do not list — and nothing else.
 */
class ModuleRulesTests {

	private static final String FIXTURE = "com.acme.modulithfixture.";

	/**
	 * The fixture is test code, which {@code ApplicationModules.of} leaves out unless
	 * told otherwise.
	 */
	private static final ImportOption TEST_CLASSES_TOO = (location) -> true;

	private final ApplicationModules modules = ApplicationModules.of(FixtureApplication.class, TEST_CLASSES_TOO);

	@Test
	void theFixtureIsThreeModules() {
		assertThat(this.modules.stream().map(ApplicationModule::getIdentifier).map(Object::toString))
			.containsExactlyInAnyOrder("orders", "inventory", "billing");
	}

	@Test
	void verifyFailsNamingTheImportOfAnotherModulesInternalsAndTheDependencyNotAllowed() {
		Violations violations = catchThrowableOfType(Violations.class, this.modules::verify);

		assertThat(violations).as("verify() throws its Violations").isNotNull();
		List<String> messages = violations.getMessages();
		assertThat(messages).as("orders may use inventory, but not a type in its sub-package")
			.anySatisfy((message) -> assertThat(message).contains("Module 'orders'")
				.contains("non-exposed type " + FIXTURE + "inventory.internal.Stock")
				.contains("module 'inventory'"));
		assertThat(messages).as("billing may use inventory only")
			.anySatisfy((message) -> assertThat(message).contains("Module 'billing' depends on module 'orders'")
				.contains(FIXTURE + "billing.Billing -> " + FIXTURE + "orders.Orders")
				.contains("Allowed targets: inventory"));
		assertThat(messages).as("the uses of inventory's API that both are allowed are not reported")
			.allSatisfy((message) -> assertThat(message)
				.containsAnyOf("non-exposed type " + FIXTURE + "inventory.internal.Stock", "depends on module 'orders'")
				.doesNotContain(FIXTURE + "inventory.Inventory"));
	}

}
