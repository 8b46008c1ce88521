package com.acme.keyapiproxy.budget;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ProxyIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The open proxy (no teams) under a shared monthly cap of 1 credit. */
@TestPropertySource(properties = "proxy.budget.monthly-credits=1")
class OrganisationBudgetTests extends ProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void whenTheSharedCreditsAreSpentMissesAreRefusedAndNamedAsTheOrganisations() {
		keyApi.stubFor(KeyApiStubs.anyLivestreams().willReturn(KeyApiStubs.itemsOfSize(1)));

		HttpResponse<String> paid = this.proxy.get("/influencers/47001/livestreams");
		HttpResponse<String> refused = this.proxy.get("/influencers/47002/livestreams");
		JsonNode usage = JSON.readTree(this.proxy.get("/usage").body());

		assertThat(paid.statusCode()).isEqualTo(200);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("organisation_budget_exhausted");
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(usage.get("team").asString()).isEqualTo("default");
		assertThat(usage.get("organisation").get("credits_spent").asLong()).isEqualTo(1);
		assertThat(usage.get("organisation").get("credits_limit").asLong()).isEqualTo(1);
	}

}
