package com.acme.keyapiproxy.teams;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Who is asking. With no team configured the proxy is open and every caller is team {@value #OPEN}.
 */
@Component
public class Teams {

	public static final String OPEN = "default";

	/** The team a request's {@code Authorization} header belongs to. */
	public String identify(@Nullable String authorization) {
		return OPEN;
	}

}
