package com.acme.keyapiproxy.upstream;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VendorEnvelopeTests {

	@Test
	void theDataArrayIsKeptByteForByteWhateverTheVendorPutsInIt() {
		String first = "{\"room_id\":\"1\", \"gmv\":2627.730, \"big\":123456789012345678901234567890,"
				+ "\"emoji\":\"\\ud83d\\ude00 ok\",\"new_field\":{\"nested\":[null,true]}}";
		String items = "[ " + first + " ,{} ]";
		byte[] body = ("{\"message\":\"success\",\"data\":" + items
				+ ",\"code\":0,\"requestId\":\"r-1\",\"extra\":[1]}")
			.getBytes(StandardCharsets.UTF_8);

		VendorPage page = VendorEnvelope.read(body);

		assertThat(page.items()).extracting((item) -> new String(item, StandardCharsets.UTF_8))
			.containsExactly(first, "{}");
		assertThat(page.requestId()).isEqualTo("r-1");
	}

	@Test
	void aMissingRequestIdIsNull() {
		VendorPage page = VendorEnvelope.read("{\"code\":0,\"data\":[]}".getBytes(StandardCharsets.UTF_8));

		assertThat(page.requestId()).isNull();
		assertThat(page.items()).isEmpty();
	}

	@Test
	void trailingGarbageIsMalformed() {
		assertThatExceptionOfType(UpstreamBadResponse.class)
			.isThrownBy(() -> VendorEnvelope.read("{\"code\":0,\"data\":[]} {}".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void aStringCodeIsNotTheDocumentedSuccess() {
		assertThatExceptionOfType(UpstreamBadResponse.class)
			.isThrownBy(() -> VendorEnvelope.read("{\"code\":\"0\",\"data\":[]}".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("code");
	}

}
