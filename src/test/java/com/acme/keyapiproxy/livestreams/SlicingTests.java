package com.acme.keyapiproxy.livestreams;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import com.acme.keyapiproxy.support.KeyApiStubs;
import com.acme.keyapiproxy.support.ClockedProxyIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KeyAPI pages of ten, sliced: one credit buys ten items whatever page size callers ask
 * for.
 */
@TestPropertySource(properties = { "keyapi.rate-limit.qps=50", "keyapi.circuit-breaker.minimum-calls=1000" })
class SlicingTests extends ClockedProxyIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void pageTwoOfFiveAndPageOneOfTenCostOneCreditBetweenThem() {
		stubHistory("90001", 0, 25);

		HttpResponse<String> secondHalf = this.proxy.get("/influencers/90001/livestreams?page=2&size=5");
		HttpResponse<String> whole = this.proxy.get("/influencers/90001/livestreams?page=1&size=10");

		assertThat(roomIds(secondHalf)).containsExactly("r5", "r6", "r7", "r8", "r9");
		assertThat(secondHalf.headers().firstValue("Credits-Charged")).hasValue("1");
		assertThat(JSON.readTree(secondHalf.body()).get("has_more").asBoolean()).isTrue();
		assertThat(roomIds(whole)).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
		assertThat(whole.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit; ttl=");
		assertThat(whole.headers().firstValue("Credits-Charged")).hasValue("0");
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("90001")));
		keyApi.verify(1, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("page_size", equalTo("10")));
	}

	@Test
	void aPageThatSpansTwoKeyApiPagesIsCutFromBothInOrder() {
		stubHistory("90002", 0, 25);

		HttpResponse<String> spanning = this.proxy.get("/influencers/90002/livestreams?page=2&size=7");
		HttpResponse<String> again = this.proxy.get("/influencers/90002/livestreams?page=2&size=7");
		HttpResponse<String> last = this.proxy.get("/influencers/90002/livestreams?page=4&size=7");

		assertThat(roomIds(spanning)).containsExactly("r7", "r8", "r9", "r10", "r11", "r12", "r13");
		assertThat(spanning.headers().firstValue("Credits-Charged")).hasValue("2");
		assertThat(again.body()).isEqualTo(spanning.body());
		assertThat(again.headers().firstValue("ETag")).isEqualTo(spanning.headers().firstValue("ETag"));
		assertThat(again.headers().firstValue("Cache-Status").orElseThrow()).startsWith("keyapi-proxy; hit; ttl=");
		assertThat(roomIds(last)).containsExactly("r21", "r22", "r23", "r24");
		assertThat(JSON.readTree(last.body()).get("has_more").asBoolean()).isFalse();
		keyApi.verify(3, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("90002")));
	}

	@Test
	void whenTheHistoryShiftsTheDeeperPagesAreRefetchedBeforeBeingAnsweredAgain() {
		stubHistory("90003", 0, 30);
		this.proxy.get("/influencers/90003/livestreams?page=1");
		this.proxy.get("/influencers/90003/livestreams?page=2");
		CLOCK.advance(Duration.ofHours(7));
		stubHistory("90003", -3, 30);

		this.proxy.get("/influencers/90003/livestreams?page=1", "Cache-Control", "no-cache");
		HttpResponse<String> second = this.proxy.get("/influencers/90003/livestreams?page=2");

		assertThat(second.headers().firstValue("Cache-Status")).as("not the old page, answered stale")
			.hasValue("keyapi-proxy; fwd=miss; stored");
		assertThat(roomIds(second)).first().isEqualTo("r7");
		keyApi.verify(4, getRequestedFor(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo("90003")));
	}

	@Test
	void whenTheHistoryHasNotShiftedAStaleDeeperPageIsAnsweredAtOnceAndRefreshedBehind() {
		stubHistory("90004", 0, 30);
		this.proxy.get("/influencers/90004/livestreams?page=1");
		this.proxy.get("/influencers/90004/livestreams?page=2");
		CLOCK.advance(Duration.ofHours(7));

		this.proxy.get("/influencers/90004/livestreams?page=1", "Cache-Control", "no-cache");
		HttpResponse<String> second = this.proxy.get("/influencers/90004/livestreams?page=2");

		assertThat(second.headers().firstValue("Cache-Status")).hasValue("keyapi-proxy; hit; fwd=stale");
	}

	/**
	 * An influencer whose livestreams are r{first}…r{first+count-1}, newest first, served
	 * by KeyAPI ten to a page. A negative first means livestreams were added at the top
	 * since.
	 */
	private static void stubHistory(String userId, int first, int count) {
		for (int page = 1; page <= 5; page++) {
			int from = (page - 1) * 10;
			String items = IntStream.range(from, Math.min(from + 10, count))
				.mapToObj((i) -> KeyApiStubs.item("r" + (first + i)))
				.reduce((a, b) -> a + "," + b)
				.orElse("");
			keyApi.stubFor(get(urlPathEqualTo(KeyApiStubs.PATH)).withQueryParam("user_id", equalTo(userId))
				.withQueryParam("page_num", equalTo(Integer.toString(page)))
				.willReturn(KeyApiStubs.page("[" + items + "]")));
		}
	}

	private static List<String> roomIds(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode items = JSON.readTree(response.body()).get("items");
		return items.valueStream().map((item) -> item.get("room_id").asString()).toList();
	}

}
