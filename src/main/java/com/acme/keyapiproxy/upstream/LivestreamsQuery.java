package com.acme.keyapiproxy.upstream;

/**
 * What one call to KeyAPI's livestream endpoint asks for, and on whose behalf (for the attempt log only).
 */
public record LivestreamsQuery(String userId, int pageNum, int pageSize, String team) {
}
