package com.acme.keyapiproxy.livestreams;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.upstream.VendorPage;

/**
 * Writes the proxy's page envelope once, when a page is stored: {@code user_id}, {@code page}, {@code size}, the
 * vendor's items as raw JSON, {@code has_more}, {@code fetched_at} and {@code upstream_request_id}; and tags the
 * bytes with a strong ETag (SHA-256, base64url).
 */
final class LivestreamPageBody {

	private static final JsonFactory JSON = new JsonFactory();

	private LivestreamPageBody() {
	}

	static StoredPage render(PageKey key, VendorPage vendor, Instant fetchedAt) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(vendor.itemsJson().length + 256);
		try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
			json.writeStartObject();
			json.writeStringProperty("user_id", key.userId());
			json.writeNumberProperty("page", key.page());
			json.writeNumberProperty("size", key.size());
			json.writeName("items");
			json.writeRawValue(new String(vendor.itemsJson(), StandardCharsets.UTF_8));
			json.writeBooleanProperty("has_more", vendor.itemCount() == key.size());
			json.writeStringProperty("fetched_at",
					DateTimeFormatter.ISO_INSTANT.format(fetchedAt.truncatedTo(ChronoUnit.SECONDS)));
			json.writeName("upstream_request_id");
			if (vendor.requestId() != null) {
				json.writeString(vendor.requestId());
			}
			else {
				json.writeNull();
			}
			json.writeEndObject();
		}
		byte[] body = out.toByteArray();
		return new StoredPage(body, strongEtag(body), fetchedAt);
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
