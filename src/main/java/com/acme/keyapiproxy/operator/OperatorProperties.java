package com.acme.keyapiproxy.operator;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator's credential, as {@code proxy.operator.*}. No plain token in
 * configuration: only its hex SHA-256.
 * <p>
 * Checked here rather than with {@code @Pattern}: Boot's report of a failed bean
 * validation quotes the rejected value, and the likeliest malformed value is the plain
 * token itself.
 *
 * @param tokenSha256 hex SHA-256 of the operator's bearer token
 * ({@code printf %s "$TOKEN" | sha256sum}); without it the management port's protected
 * operations are refused
 */
@ConfigurationProperties("proxy.operator")
record OperatorProperties(@Nullable String tokenSha256) {

	OperatorProperties {
		if (tokenSha256 != null && !tokenSha256.matches("[0-9a-fA-F]{64}")) {
			throw new IllegalArgumentException(OperatorToken.PROPERTY + " must be 64 hex digits, the SHA-256 of the "
					+ "operator's token (printf %s \"$TOKEN\" | sha256sum); the value given is not shown, in case it "
					+ "is the token itself");
		}
	}

}
