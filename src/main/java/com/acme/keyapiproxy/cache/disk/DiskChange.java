package com.acme.keyapiproxy.cache.disk;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;

/** One change to the pages on disk, queued for the writer. */
sealed interface DiskChange {

	void applyTo(DiskPageStore store) throws SQLException;

	/** A page stored in memory; encoded on the writer thread, off the request path. */
	record Put(PageKey key, StoredPage page) implements DiskChange {

		@Override
		public void applyTo(DiskPageStore store) throws SQLException {
			store.put(this.key, this.page.fetchedAt().toEpochMilli(), PageRecord.encode(this.page));
		}

	}

	/** A page read from disk: used now, so it is among the last dropped. */
	record Touch(PageKey key) implements DiskChange {

		@Override
		public void applyTo(DiskPageStore store) throws SQLException {
			store.touch(this.key);
		}

	}

	/** A damaged record, found on reading. */
	record Delete(PageKey key) implements DiskChange {

		@Override
		public void applyTo(DiskPageStore store) throws SQLException {
			store.delete(this.key);
		}

	}

	/** The influencer's pages but the first, fetched before this, are superseded. */
	record Supersede(String userId, long beforeMillis) implements DiskChange {

		@Override
		public void applyTo(DiskPageStore store) throws SQLException {
			store.supersede(this.userId, this.beforeMillis);
		}

	}

	/**
	 * An operator's purge of one influencer ({@code userId}) or of every page
	 * ({@code null}); {@code done} completes once it is committed.
	 */
	record Purge(@Nullable String userId, CompletableFuture<Void> done) implements DiskChange {

		@Override
		public void applyTo(DiskPageStore store) throws SQLException {
			if (this.userId != null) {
				store.purge(this.userId);
			}
			else {
				store.purgeAll();
			}
		}

	}

}
