package com.acme.keyapiproxy.support;

import java.time.Clock;
import java.time.Instant;

import org.springframework.test.context.bean.override.convention.TestBean;

/**
 * {@link ProxyIntegrationTest} with the application's clock in the test's hand: tests
 * move time, never sleep for it.
 */
public abstract class ClockedProxyIntegrationTest extends ProxyIntegrationTest {

	/**
	 * Mid-month, so that moving it by hours (days, over a whole run: it is shared) never
	 * crosses into the next budget period.
	 */
	protected static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-10T12:00:00Z"));

	@TestBean
	Clock clock;

	static Clock clock() {
		return CLOCK;
	}

}
