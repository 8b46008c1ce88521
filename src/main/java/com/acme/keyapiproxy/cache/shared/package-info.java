/**
 * The page cache's second level in shared mode, in Redis: the pages every replica fetched
 * ({@link RedisPageStore}), the leases that elect one replica to fetch a page
 * ({@link FetchLeases}), the invalidations every replica applies
 * ({@link CacheInvalidations}), and the one fetch per page across replicas built on them
 * ({@link CrossReplicaFetches}), together a {@link RedisSecondLevel}. Internal to the
 * cache package; the key layout is in {@link RedisKeys}.
 */
@NullMarked
package com.acme.keyapiproxy.cache.shared;

import org.jspecify.annotations.NullMarked;
