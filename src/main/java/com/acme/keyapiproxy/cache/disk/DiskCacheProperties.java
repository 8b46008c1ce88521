package com.acme.keyapiproxy.cache.disk;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param path the directory the pages are kept in; by default {@code pages} beside
 * {@code proxy.budget.file} (so {@code ./data/pages}), on the ledger's volume
 * @param maxSize bound on the bytes kept; the least recently used pages are dropped first
 * @param enabled whether a single instance keeps its pages on disk at all
 */
@Validated
@ConfigurationProperties("proxy.cache.disk")
public record DiskCacheProperties(@Nullable Path path, @DefaultValue("2GB") @NotNull DataSize maxSize,
		@DefaultValue("true") boolean enabled) {

	/** Where the pages are kept: {@link #path()}, else beside the ledger file. */
	Path directory(Path ledgerFile) {
		return (this.path != null) ? this.path : ledgerFile.toAbsolutePath().resolveSibling("pages");
	}

}
