package com.acme.keyapiproxy.observability;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.acme.keyapiproxy.KeyApiProxyApplication;

import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
@ExtendWith(OutputCaptureExtension.class)
class StartupTests {

	@Test
	void withoutAKeyTheProxyRefusesToStartAndSaysWhichVariableToSet(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(KeyApiProxyApplication.class, "--server.port=0",
				"--management.server.port=0", "--proxy.budget.file=target/test-ledgers/startup/credits",
				"--keyapi.api-key="));

		assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "keyapi.api-key", "KEYAPI_API_KEY");
	}

	@Test
	void aBadSettingStopsTheStartAndNamesItselfButNeverTheKey(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(KeyApiProxyApplication.class, "--server.port=0",
				"--management.server.port=0", "--proxy.budget.file=target/test-ledgers/startup/credits",
				"--keyapi.api-key=sk_live_secret_in_startup", "--keyapi.rate-limit.qps=0"));

		assertThat(output.getAll()).contains("keyapi.rateLimit.qps", "must be greater than 0")
			.doesNotContain("sk_live_secret_in_startup");
	}

	@Test
	void aRateAboveWhatTheProxyCanPaceEvenlyIsRefusedAtStartNamingTheHighest(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(KeyApiProxyApplication.class, "--server.port=0",
				"--management.server.port=0", "--proxy.budget.file=target/test-ledgers/startup/credits",
				"--keyapi.api-key=sk_live_secret_in_startup", "--keyapi.rate-limit.qps=1000"));

		assertThat(output.getAll()).contains("keyapi.rateLimit.qps",
				"is above 50, the highest rate this proxy can pace evenly");
	}

}
