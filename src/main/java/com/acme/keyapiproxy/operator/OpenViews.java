package com.acme.keyapiproxy.operator;

import java.util.List;
import java.util.Objects;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;

/**
 * The management views anyone who reaches the port may read with no credential: the
 * probes ({@code health} and its groups), scraping ({@code prometheus}), {@code info} and
 * the API description ({@code openapi}, and {@code swagger-ui} where the local run
 * exposes it). Reads only: every other method, every other path (per-team spend, the
 * purge, any endpoint exposed later) needs the operator.
 * <p>
 * Thread-safe and immutable.
 */
final class OpenViews {

	static final List<String> ENDPOINTS = List.of("health", "info", "prometheus", "openapi", "swagger-ui");

	private final List<String> paths;

	/** Where the open endpoints are served, base path and path mappings included. */
	OpenViews(PathMappedEndpoints endpoints) {
		this(ENDPOINTS.stream()
			.map(EndpointId::fromPropertyValue)
			.map(endpoints::getPath)
			.filter(Objects::nonNull)
			.toList());
	}

	OpenViews(List<String> paths) {
		this.paths = List.copyOf(paths);
	}

	/**
	 * @param path within the servlet context, decoded and normalised by the server
	 * (servlet path and path info), so that no spelling of a protected path passes for an
	 * open one
	 */
	boolean admit(String method, String path) {
		return ("GET".equals(method) || "HEAD".equals(method))
				&& this.paths.stream().anyMatch((open) -> path.equals(open) || path.startsWith(open + "/"));
	}

}
