package com.acme.keyapiproxy.cache;

/** One cached page: an influencer's livestreams, one page of one size. */
public record PageKey(String userId, int page, int size) {
}
