package com.acme.keyapiproxy.cache;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StoredPageCodecTests {

	@Test
	void aPageComesBackAsItWasStoredToTheNanosecond() {
		StoredPage page = new StoredPage(List.of(bytes("{\"room_id\":\"1\"}"), bytes("{\"room_id\":\"é\"}")), "req-1",
				Instant.parse("2026-11-25T06:00:00.123456789Z"), bytes("{\"items\":[]}"), "\"abc\"", false);

		StoredPage decoded = StoredPageCodec.decode(StoredPageCodec.encode(page), false);

		assertThat(decoded.fetchedAt()).isEqualTo(page.fetchedAt());
		assertThat(decoded.requestId()).isEqualTo("req-1");
		assertThat(decoded.etag()).isEqualTo("\"abc\"");
		assertThat(decoded.body()).isEqualTo(page.body());
		assertThat(decoded.items()).hasSize(2);
		assertThat(decoded.items().get(1)).isEqualTo(page.items().get(1));
		assertThat(decoded.superseded()).isFalse();
	}

	@Test
	void anEmptyPageWithoutRequestIdRoundTrips() {
		StoredPage page = new StoredPage(List.of(), null, Instant.EPOCH, bytes("{}"), "\"e\"", false);

		assertThat(StoredPageCodec.decode(StoredPageCodec.encode(page), true))
			.satisfies((decoded) -> assertThat(decoded.items()).isEmpty())
			.satisfies((decoded) -> assertThat(decoded.requestId()).isNull())
			.satisfies((decoded) -> assertThat(decoded.superseded()).isTrue());
	}

	@Test
	void bytesThatAreNotAPageAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> StoredPageCodec.decode(bytes("garbage"), false));
		assertThatIllegalArgumentException().isThrownBy(() -> StoredPageCodec.decode(new byte[] { 1, 0, 0 }, false));
	}

	@Test
	void invalidationsReadBackAsPublished() {
		Instant before = Instant.parse("2026-11-25T06:00:00.5Z");
		assertThat(Invalidation.decode(Invalidation.superseded("42", before).encoded()))
			.isEqualTo(Invalidation.superseded("42", before));
		assertThat(Invalidation.decode(Invalidation.purged("42").encoded())).isEqualTo(Invalidation.purged("42"));
		assertThat(Invalidation.decode(Invalidation.purgedAll().encoded())).isEqualTo(Invalidation.purgedAll());
		assertThatIllegalArgumentException().isThrownBy(() -> Invalidation.decode("flush everything"));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
