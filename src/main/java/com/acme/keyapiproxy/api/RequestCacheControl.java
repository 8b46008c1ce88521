package com.acme.keyapiproxy.api;

import java.util.Enumeration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.livestreams.CacheDirectives;

/**
 * Reads the request directives the proxy honours from {@code Cache-Control} (RFC 9111
 * §5.2.1): {@code no-cache}, {@code max-age=N} and {@code only-if-cached}. Unknown
 * directives are ignored, as RFC 9111 asks.
 */
final class RequestCacheControl {

	private RequestCacheControl() {
	}

	static CacheDirectives parse(@Nullable Enumeration<String> headerLines) {
		if (headerLines == null || !headerLines.hasMoreElements()) {
			return CacheDirectives.NONE;
		}
		boolean noCache = false;
		boolean onlyIfCached = false;
		Long maxAge = null;
		while (headerLines.hasMoreElements()) {
			for (String directive : headerLines.nextElement().split(",")) {
				String token = directive.trim().toLowerCase(Locale.ROOT);
				if (token.equals("no-cache")) {
					noCache = true;
				}
				else if (token.equals("only-if-cached")) {
					onlyIfCached = true;
				}
				else if (token.startsWith("max-age=")) {
					Long seconds = seconds(token.substring("max-age=".length()));
					if (seconds != null) {
						maxAge = (maxAge == null) ? seconds : Math.min(maxAge, seconds);
					}
				}
			}
		}
		return new CacheDirectives(noCache, maxAge, onlyIfCached);
	}

	private static @Nullable Long seconds(String value) {
		String unquoted = (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
		if (unquoted.isEmpty() || unquoted.length() > 10 || !unquoted.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Long.parseLong(unquoted);
	}

}
