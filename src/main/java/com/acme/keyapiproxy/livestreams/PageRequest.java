package com.acme.keyapiproxy.livestreams;

import com.acme.keyapiproxy.cache.PageKey;

/**
 * What a caller asked for: page {@code page} of an influencer's livestreams, {@code size}
 * to a page. KeyAPI charges a credit per request whatever its {@code page_size}, so the
 * proxy always fetches KeyAPI pages of {@value #VENDOR_PAGE_SIZE} and answers any
 * {@code (page, size)} by slicing the (one or two) KeyAPI pages that cover it:
 * {@code page=2&size=5} and {@code page=1&size=10} cost one credit between them.
 */
public record PageRequest(String userId, int page, int size) {

	/** KeyAPI's largest page size, which every fetch asks for. */
	public static final int VENDOR_PAGE_SIZE = 10;

	/**
	 * Index of the first requested item among all of the influencer's livestreams, newest
	 * first.
	 */
	long firstItem() {
		return (long) (this.page - 1) * this.size;
	}

	/** Where the requested items start within the first covering KeyAPI page. */
	int offsetInFirstPage() {
		return (int) (firstItem() % VENDOR_PAGE_SIZE);
	}

	/** The KeyAPI pages holding the requested items, in order: one or two. */
	PageKey[] coveringPages() {
		int first = (int) (firstItem() / VENDOR_PAGE_SIZE) + 1;
		int last = (int) ((firstItem() + this.size - 1) / VENDOR_PAGE_SIZE) + 1;
		PageKey[] pages = new PageKey[last - first + 1];
		for (int i = 0; i < pages.length; i++) {
			pages[i] = new PageKey(this.userId, first + i);
		}
		return pages;
	}

	/**
	 * Whether this is exactly one whole KeyAPI page, whose answer was prepared when it
	 * was stored.
	 */
	boolean isWholeVendorPage() {
		return this.size == VENDOR_PAGE_SIZE;
	}

}
