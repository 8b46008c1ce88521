package com.acme.keyapiproxy.api;

import java.util.function.Supplier;

import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Schema;

/**
 * The response headers the proxy writes, as the API description declares them. Patterns
 * are exact: the integration tests validate every answer's headers against them.
 */
enum ResponseHeader {

	CACHE_STATUS(AnswerHeaders.CACHE_STATUS,
			"RFC 9211, cache keyapi-proxy: `hit; ttl=<max-age>` (fresh from the cache), `fwd=miss; stored` (fetched and "
					+ "stored), `fwd=miss; collapsed` (joined another caller's fetch), `hit; fwd=stale` (served stale "
					+ "because KeyAPI failed), `fwd=request` (a refetch the caller asked for)",
			() -> Schemas.string()
				.pattern("^keyapi-proxy; (hit; ttl=[0-9]+|fwd=miss; stored|fwd=miss; collapsed|hit; fwd=stale"
						+ "|fwd=request)$")
				.example("keyapi-proxy; hit; ttl=412")),

	AGE("Age", "seconds since KeyAPI gave the page", () -> Schemas.integerFrom(0).example(3)),

	ETAG("ETag", "strong entity tag of the body",
			() -> Schemas.string().pattern("^\"[\\x21\\x23-\\x7E]+\"$").example("\"5f1c0ffee\"")),

	CACHE_CONTROL("Cache-Control", "how long the page stays fresh for the caller",
			() -> Schemas.string().pattern("^private, max-age=[0-9]+$").example("private, max-age=412")),

	CREDITS_CHARGED(AnswerHeaders.CREDITS_CHARGED,
			"what this answer cost the caller's team (2 when the page spans two KeyAPI pages of ten)",
			() -> Schemas.integerBetween(0, 2).example(1)),

	RATE_LIMIT_POLICY("RateLimit-Policy",
			"for a team with a monthly allowance (draft-ietf-httpapi-ratelimit-headers): the allowance and the period "
					+ "in seconds",
			() -> Schemas.string().pattern("^\"monthly\";q=[0-9]+;w=[0-9]+$").example("\"monthly\";q=100;w=2592000")),

	RATE_LIMIT("RateLimit",
			"for a team with a monthly allowance: credits remaining and seconds until the period resets",
			() -> Schemas.string().pattern("^\"monthly\";r=[0-9]+;t=[0-9]+$").example("\"monthly\";r=88;t=86400")),

	RETRY_AFTER("Retry-After", "whole seconds to wait before asking again", () -> Schemas.integerFrom(1).example(30)),

	WWW_AUTHENTICATE("WWW-Authenticate", "how to authenticate: a team's bearer token",
			() -> Schemas.string().pattern("^Bearer( |$)").example("Bearer realm=\"keyapi-proxy\"")),

	ALLOW("Allow", "the methods this path answers", () -> Schemas.string().example("GET,HEAD"));

	private final String headerName;

	private final String description;

	private final Supplier<Schema<?>> schema;

	ResponseHeader(String headerName, String description, Supplier<Schema<?>> schema) {
		this.headerName = headerName;
		this.description = description;
		this.schema = schema;
	}

	String headerName() {
		return this.headerName;
	}

	/** Sent on every answer of the status it is declared for. */
	Header always() {
		return declared().required(true);
	}

	/**
	 * Sent on some answers of the status it is declared for (the description says which).
	 */
	Header sometimes() {
		return declared();
	}

	private Header declared() {
		return new Header().description(this.description).schema(this.schema.get());
	}

}
