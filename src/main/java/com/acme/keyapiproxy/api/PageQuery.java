package com.acme.keyapiproxy.api;

import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.livestreams.PageRequest;

/**
 * The validated inputs of {@code GET /influencers/{userId}/livestreams?page=&size=}. Strict on purpose: a value given
 * empty, twice, with a sign, spaces or non-ASCII digits is refused rather than guessed at, and the first invalid of
 * {@code userId}, {@code page}, {@code size} is named.
 */
record PageQuery(String userId, int page, int size) {

	static final int MAX_PAGE = 100_000;

	static final int MAX_SIZE = 10;

	static final int DEFAULT_SIZE = 10;

	static PageQuery parse(String userId, String @Nullable [] page, String @Nullable [] size) {
		if (!isAsciiDigits(userId, 20)) {
			throw new InvalidInput("invalid_user_id", "userId must be 1 to 20 ASCII digits");
		}
		int pageNumber = number(page, 1, MAX_PAGE, 1, "invalid_page");
		int pageSize = number(size, 1, MAX_SIZE, DEFAULT_SIZE, "invalid_size");
		return new PageQuery(userId, pageNumber, pageSize);
	}

	PageRequest request() {
		return new PageRequest(this.userId, this.page, this.size);
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
