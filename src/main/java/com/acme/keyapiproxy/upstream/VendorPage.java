package com.acme.keyapiproxy.upstream;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One successful KeyAPI answer, reduced to what the proxy serves.
 *
 * @param items the objects of the vendor's {@code data} array, each exactly as it was
 * sent (raw UTF-8 JSON bytes), so fields the vendor adds later pass through untouched
 * @param requestId the vendor's {@code requestId}, {@code null} when it sent none
 */
public record VendorPage(List<byte[]> items, @Nullable String requestId) {
}
