package com.acme.keyapiproxy.cache;

/**
 * One cached page: one KeyAPI page of an influencer's livestreams (always fetched at
 * KeyAPI's largest size).
 */
public record PageKey(String userId, int page) {
}
