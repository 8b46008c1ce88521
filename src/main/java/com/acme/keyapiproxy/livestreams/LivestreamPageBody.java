package com.acme.keyapiproxy.livestreams;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the proxy's page envelope: {@code user_id}, {@code page}, {@code size}, the
 * vendor's items as raw JSON, {@code has_more}, {@code fetched_at} and
 * {@code upstream_request_id}; and tags the bytes with a strong ETag (SHA-256,
 * base64url).
 */
final class LivestreamPageBody {

	private static final JsonFactory JSON = new JsonFactory();

	private LivestreamPageBody() {
	}

	static PageView render(PageRequest request, List<byte[]> items, Instant fetchedAt, @Nullable String requestId) {
		int itemBytes = items.stream().mapToInt((item) -> item.length + 1).sum();
		ByteArrayOutputStream out = new ByteArrayOutputStream(itemBytes + 256);
		try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
			json.writeStartObject();
			json.writeStringProperty("user_id", request.userId());
			json.writeNumberProperty("page", request.page());
			json.writeNumberProperty("size", request.size());
			json.writeName("items");
			json.writeStartArray();
			for (byte[] item : items) {
				json.writeRawValue(new String(item, StandardCharsets.UTF_8));
			}
			json.writeEndArray();
			json.writeBooleanProperty("has_more", items.size() == request.size());
			json.writeStringProperty("fetched_at",
					DateTimeFormatter.ISO_INSTANT.format(fetchedAt.truncatedTo(ChronoUnit.SECONDS)));
			json.writeName("upstream_request_id");
			if (requestId != null) {
				json.writeString(requestId);
			}
			else {
				json.writeNull();
			}
			json.writeEndObject();
		}
		byte[] body = out.toByteArray();
		return new PageView(body, strongEtag(body));
	}

	/**
	 * The {@code room_id} of a vendor item, {@code null} when it has none (or it is not a
	 * string).
	 */
	static @Nullable String roomId(byte[] item) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), item)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("room_id".equals(name)) {
					return (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				}
				parser.skipChildren();
			}
			return null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String strongEtag(byte[] body) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
			return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + '"';
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}
