package com.acme.keyapiproxy.livestreams;

/**
 * How a page reached the caller; each is one {@code result} of
 * {@code keyapi_proxy_cache_requests_total}.
 */
public enum Delivery {

	/** Answered from a fresh stored page. */
	HIT("hit"),
	/** This caller's miss fetched it from KeyAPI and stored it. */
	MISS("miss"),
	/** Joined another caller's in-flight fetch. */
	COLLAPSED("collapsed"),
	/** A stored page past its freshness, answered because KeyAPI failed. */
	STALE("stale"),
	/** The caller's directives asked for a refetch, and it was made. */
	BYPASS("bypass");

	private final String metricResult;

	Delivery(String metricResult) {
		this.metricResult = metricResult;
	}

	String metricResult() {
		return this.metricResult;
	}

}
