package com.acme.keyapiproxy.livestreams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import com.acme.keyapiproxy.cache.StoredPage;

/**
 * The answer for a {@link PageRequest} cut from the KeyAPI pages that cover it. A request
 * for a whole KeyAPI page takes the answer prepared when the page was stored; any other
 * slice is rendered once and remembered for as long as its pages are the same objects, so
 * a repeated hit writes prepared bytes too.
 * <p>
 * Thread-safe.
 */
final class PageViews {

	/**
	 * Rendered slices kept, by their bytes: a small fraction of what the page cache
	 * holds.
	 */
	private static final long MAX_BYTES = 32L * 1024 * 1024;

	private final Cache<PageRequest, Slice> slices = Caffeine.newBuilder()
		.maximumWeight(MAX_BYTES)
		.weigher((PageRequest request, Slice slice) -> slice.view().body().length + 100)
		.build();

	PageView of(PageRequest request, List<StoredPage> pages) {
		if (request.isWholeVendorPage() && pages.size() == 1) {
			StoredPage page = pages.get(0);
			return new PageView(page.body(), page.etag());
		}
		Slice remembered = this.slices.getIfPresent(request);
		if (remembered != null && remembered.isCutFrom(pages)) {
			return remembered.view();
		}
		Slice slice = new Slice(pages, render(request, pages));
		this.slices.put(request, slice);
		return slice.view();
	}

	private static PageView render(PageRequest request, List<StoredPage> pages) {
		List<byte[]> items = new ArrayList<>();
		pages.forEach((page) -> items.addAll(page.items()));
		int from = Math.min(request.offsetInFirstPage(), items.size());
		int to = Math.min(from + request.size(), items.size());
		Instant oldest = pages.stream().map(StoredPage::fetchedAt).min(Comparator.naturalOrder()).orElseThrow();
		return LivestreamPageBody.render(request, items.subList(from, to), oldest, pages.get(0).requestId());
	}

	private record Slice(List<StoredPage> pages, PageView view) {

		boolean isCutFrom(List<StoredPage> current) {
			if (current.size() != this.pages.size()) {
				return false;
			}
			for (int i = 0; i < current.size(); i++) {
				if (current.get(i) != this.pages.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

}
