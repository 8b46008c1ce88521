/**
 * The page cache's second level for a single instance, on disk: every page stored is also
 * written, off the request path, to an SQLite file beside the credit ledger
 * ({@link DiskPageStore}, written in batches by {@link DiskWriter}), so a restart or a
 * crash does not buy the cache again. {@link DiskSecondLevel} is the level the page cache
 * talks to. Internal to the cache package.
 */
@NullMarked
package com.acme.keyapiproxy.cache.disk;

import org.jspecify.annotations.NullMarked;
