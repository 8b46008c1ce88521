package com.acme.keyapiproxy.api;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.livestreams.PageRequest;

/**
 * The validated inputs of {@code GET /influencers/{userId}/livestreams?page=&size=}.
 * Strict on purpose: a value given empty, twice, with a sign, spaces or non-ASCII digits
 * is refused rather than guessed at, and the first invalid of {@code userId},
 * {@code page}, {@code size} is named (after {@code userId}, a query string that cannot
 * be decoded at all is {@code invalid_request}).
 */
record PageQuery(String userId, int page, int size) {

	static final int MAX_PAGE = 100_000;

	static final int MAX_SIZE = 10;

	static final int DEFAULT_SIZE = 10;

	static final String MALFORMED_QUERY = "The query string is malformed: a bad percent-encoding, a parameter "
			+ "without a name, or too many parameters";

	private static final String MALFORMED_QUERY_ATTRIBUTE = PageQuery.class.getName() + ".malformedQuery";

	static PageQuery of(String userId, HttpServletRequest request) {
		if (!isAsciiDigits(userId, 20)) {
			throw new InvalidInput("invalid_user_id", "userId must be 1 to 20 ASCII digits");
		}
		int pageNumber = number(values(request, "page"), 1, MAX_PAGE, 1, "invalid_page");
		int pageSize = number(values(request, "size"), 1, MAX_SIZE, DEFAULT_SIZE, "invalid_size");
		return new PageQuery(userId, pageNumber, pageSize);
	}

	PageRequest request() {
		return new PageRequest(this.userId, this.page, this.size);
	}

	/**
	 * Tomcat decodes the whole query string on the first read and throws then, only then:
	 * later reads get what it decoded before it failed. So the failure is remembered on
	 * the request, for the controller after the hit filter. A query Tomcat cannot decode
	 * is the caller's mistake, not the proxy's failure.
	 */
	private static String @Nullable [] values(HttpServletRequest request, String name) {
		if (request.getAttribute(MALFORMED_QUERY_ATTRIBUTE) != null) {
			throw malformedQuery();
		}
		try {
			return request.getParameterValues(name);
		}
		catch (InvalidParameterException ex) {
			request.setAttribute(MALFORMED_QUERY_ATTRIBUTE, Boolean.TRUE);
			throw malformedQuery();
		}
	}

	private static InvalidInput malformedQuery() {
		return new InvalidInput("invalid_request", MALFORMED_QUERY);
	}

	private static int number(String @Nullable [] values, int min, int max, int absent, String code) {
		if (values == null) {
			return absent;
		}
		String name = code.substring("invalid_".length());
		if (values.length != 1 || !isAsciiDigits(values[0], 9)) {
			throw new InvalidInput(code, name + " must be given once, as ASCII digits from " + min + " to " + max);
		}
		int value = Integer.parseInt(values[0]);
		if (value < min || value > max) {
			throw new InvalidInput(code, name + " must be from " + min + " to " + max);
		}
		return value;
	}

	private static boolean isAsciiDigits(String value, int maxLength) {
		int length = value.length();
		if (length == 0 || length > maxLength) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
