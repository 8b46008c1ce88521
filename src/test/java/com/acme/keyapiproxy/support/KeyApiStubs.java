package com.acme.keyapiproxy.support;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/** KeyAPI's livestream endpoint as WireMock stubs and request patterns. */
public final class KeyApiStubs {

	public static final String PATH = "/v1/tiktok/influencer/livestreams/analytics";

	public static final String API_KEY = "sk_live_TEST_do_not_leak_8d1f0c";

	private KeyApiStubs() {
	}

	/** Any request for one influencer's livestreams. */
	public static MappingBuilder livestreams(String userId) {
		return get(urlPathEqualTo(PATH)).withQueryParam("user_id", equalTo(userId));
	}

	/** Every request to the livestream endpoint. */
	public static MappingBuilder anyLivestreams() {
		return get(urlPathEqualTo(PATH));
	}

	public static ResponseDefinitionBuilder page(String itemsJson) {
		return json(200, "{\"code\":0,\"message\":\"success\",\"data\":" + itemsJson
				+ ",\"requestId\":\"ec8e5830-2766-4199-a054-f5e5b8708b91\"}");
	}

	public static ResponseDefinitionBuilder itemsOfSize(int count) {
		StringBuilder items = new StringBuilder("[");
		for (int i = 0; i < count; i++) {
			items.append(i == 0 ? "" : ",").append(item("73215097719104171" + (10 + i)));
		}
		return page(items.append(']').toString());
	}

	public static String item(String roomId) {
		return "{\"room_id\":\"" + roomId + "\",\"create_time\":1704672004,\"total_sale_gmv_amt\":2627.73}";
	}

	public static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	public static ResponseDefinitionBuilder vendorError(int status) {
		return json(status, "{\"code\":" + status + ",\"data\":null,\"message\":\"vendor says no\"}");
	}

}
