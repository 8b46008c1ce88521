package com.acme.keyapiproxy.upstream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads KeyAPI's success envelope {@code {"code":0,"message":…,"data":[…],"requestId":…}}
 * with a streaming parser and copies each object of the {@code data} array as its bytes
 * are, so no vendor field is renamed, reordered, rounded or dropped. Anything else
 * ({@code code != 0}, {@code data} missing or not an array of objects, malformed JSON) is
 * an {@link UpstreamBadResponse}.
 */
final class VendorEnvelope {

	private static final JsonFactory JSON = new JsonFactory();

	private VendorEnvelope() {
	}

	static VendorPage read(byte[] body) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
			return read(parser, body);
		}
		catch (JacksonException ex) {
			throw new UpstreamBadResponse("KeyAPI answered malformed JSON");
		}
	}

	private static VendorPage read(JsonParser parser, byte[] body) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw new UpstreamBadResponse("KeyAPI answered JSON that is not an object");
		}
		Integer code = null;
		List<byte[]> items = null;
		String requestId = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			switch (name) {
				case "code" -> code = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getIntValue() : null;
				case "requestId" -> requestId = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				case "data" -> {
					if (value != JsonToken.START_ARRAY) {
						items = null;
						parser.skipChildren();
						break;
					}
					items = new ArrayList<>();
					while (parser.nextToken() != JsonToken.END_ARRAY) {
						if (parser.currentToken() != JsonToken.START_OBJECT) {
							throw new UpstreamBadResponse("KeyAPI's data holds something that is not an object");
						}
						int start = (int) parser.currentTokenLocation().getByteOffset();
						parser.skipChildren();
						int end = (int) parser.currentLocation().getByteOffset();
						items.add(Arrays.copyOfRange(body, start, end));
					}
				}
				default -> parser.skipChildren();
			}
		}
		if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
			throw new UpstreamBadResponse("KeyAPI answered malformed JSON");
		}
		return validated(code, items, requestId);
	}

	private static VendorPage validated(@Nullable Integer code, @Nullable List<byte[]> items,
			@Nullable String requestId) {
		if (code == null) {
			throw new UpstreamBadResponse("KeyAPI's answer has no numeric code");
		}
		if (code != 0) {
			throw new UpstreamBadResponse("KeyAPI answered code " + code + " instead of 0");
		}
		if (items == null) {
			throw new UpstreamBadResponse("KeyAPI's answer has no data array");
		}
		return new VendorPage(List.copyOf(items), requestId);
	}

}
