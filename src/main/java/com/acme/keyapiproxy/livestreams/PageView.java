package com.acme.keyapiproxy.livestreams;

/** An answer body and its strong ETag, computed once and written as they are. */
public record PageView(byte[] body, String etag) {
}
