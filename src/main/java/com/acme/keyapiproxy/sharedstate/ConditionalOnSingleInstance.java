package com.acme.keyapiproxy.sharedstate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when {@link ConditionalOnSharedMode shared mode} does not: a single instance.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(ConditionalOnSingleInstance.NotSharedMode.class)
public @interface ConditionalOnSingleInstance {

	/** The negation of shared mode's one switch. */
	class NotSharedMode extends NoneNestedConditions {

		NotSharedMode() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSharedMode
		static class SharedMode {

		}

	}

}
