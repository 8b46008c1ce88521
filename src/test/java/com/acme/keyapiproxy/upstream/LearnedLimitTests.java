package com.acme.keyapiproxy.upstream;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.support.ColdProxy;
import com.acme.keyapiproxy.support.KeyApiStandIn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KeyAPI enforces less than the proxy was told (4 a second against {@code qps=5}): its
 * refusals teach the proxy to slow down, and it stops running into the limit instead of
 * being refused a fifth of the time for ever.
 */
@Tag("integration")
class LearnedLimitTests {

	@Test
	void aLowerVendorLimitIsLearnedFromAFewRefusalsEarlyInTheRun() throws Exception {
		try (KeyApiStandIn keyApi = KeyApiStandIn.limitedTo(4);
				ColdProxy proxy = ColdProxy.start(keyApi.baseUrl(), "keyapi.rate-limit.qps=5",
						"keyapi.rate-limit.max-wait=60s")) {
			List<HttpResponse<String>> answers = ColdStartPacingTests.burst(proxy.client(), 80, 10_000);

			assertThat(answers)
				.allSatisfy((answer) -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
			List<Long> arrivals = keyApi.arrivalNanos();
			List<Long> refusals = keyApi.refusalNanos();
			long middle = arrivals.get(0) + (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 2;
			assertThat(refusals).as("refusals for the limit").hasSizeLessThanOrEqualTo(8);
			assertThat(refusals).as("refusals in the second half of the run").allMatch((at) -> at < middle);
			assertThat(proxy.client().metric("keyapi_proxy_upstream_requests_total", "status=\"429\""))
				.isEqualTo(refusals.size());
			assertThat(proxy.client().metric("keyapi_proxy_upstream_rate", ""))
				.as("requests/s allowed now, below the rates refused")
				.isBetween(3.0, 4.1);
		}
	}

}
