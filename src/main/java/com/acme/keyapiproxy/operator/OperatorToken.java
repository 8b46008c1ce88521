package com.acme.keyapiproxy.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Whether a request's {@code Authorization} header holds the operator's bearer token: its
 * SHA-256 compared in constant time with {@value #PROPERTY}. The token is never stored,
 * logged or echoed. With no hash configured, no token is the operator's: the protected
 * operations are refused rather than left open.
 * <p>
 * Thread-safe and immutable.
 */
@Component
class OperatorToken {

	static final String PROPERTY = "proxy.operator.token-sha256";

	private static final Logger log = LoggerFactory.getLogger(OperatorToken.class);

	private static final String BEARER = "bearer ";

	private final byte @Nullable [] tokenSha256;

	OperatorToken(OperatorProperties properties) {
		this.tokenSha256 = (properties.tokenSha256() != null) ? HexFormat.of().parseHex(properties.tokenSha256())
				: null;
		if (this.tokenSha256 == null) {
			log.warn("No operator token is configured ({}): /actuator/credits, the page cache purge and every other "
					+ "protected management operation are refused", PROPERTY);
		}
	}

	Verdict check(@Nullable String authorization) {
		if (this.tokenSha256 == null) {
			return Verdict.NONE_CONFIGURED;
		}
		if (authorization == null || authorization.length() <= BEARER.length()
				|| !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
			return Verdict.NO_TOKEN;
		}
		byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
		return MessageDigest.isEqual(this.tokenSha256, presented) ? Verdict.OPERATOR : Verdict.NOT_THE_OPERATORS;
	}

	private static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	enum Verdict {

		OPERATOR, NO_TOKEN, NOT_THE_OPERATORS, NONE_CONFIGURED

	}

}
