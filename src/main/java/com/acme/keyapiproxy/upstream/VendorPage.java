package com.acme.keyapiproxy.upstream;

import org.jspecify.annotations.Nullable;

/**
 * One successful KeyAPI answer, reduced to what the proxy serves.
 *
 * @param itemsJson the vendor's {@code data} array exactly as it was sent (raw UTF-8 JSON bytes), so fields the
 * vendor adds later pass through untouched
 * @param itemCount how many objects that array holds
 * @param requestId the vendor's {@code requestId}, {@code null} when it sent none
 */
public record VendorPage(byte[] itemsJson, int itemCount, @Nullable String requestId) {
}
