package com.acme.keyapiproxy.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that needs {@link SharedRedis}: proxies in shared mode, or a shared-mode
 * adapter (ledger, leases) without Spring. Tagged {@code shared-mode} (the Testcontainers
 * profile runs these), and skipped, each test saying what to install, where there is no
 * Redis to start. Not tagged {@code integration} itself: a class that boots a proxy says
 * so, so the adapters' fast tests count in mutation testing.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("shared-mode")
@ExtendWith(SharedModeTest.RedisToStart.class)
public @interface SharedModeTest {

	/**
	 * Disables the tests when neither a container nor Debian's {@code redis-server} is to
	 * be had.
	 */
	class RedisToStart implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			if (SharedRedis.usesContainer() || LocalRedisServer.executable() != null) {
				return ConditionEvaluationResult.enabled("a Redis can be started");
			}
			return ConditionEvaluationResult.disabled(
					"redis-server is not installed: the shared-mode tests need it (apt-get install redis-server)");
		}

	}

}
