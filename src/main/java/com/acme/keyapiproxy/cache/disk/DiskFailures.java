package com.acme.keyapiproxy.cache.disk;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What went wrong with the pages on disk, counted for the operators
 * ({@code keyapi_proxy_cache_disk_failures_total{operation}}): each is also logged, and
 * none fails an answer.
 */
final class DiskFailures {

	private final Counter open;

	private final Counter write;

	private final Counter read;

	private final Counter damaged;

	DiskFailures(MeterRegistry meterRegistry) {
		this.open = counter(meterRegistry, "open");
		this.write = counter(meterRegistry, "write");
		this.read = counter(meterRegistry, "read");
		this.damaged = counter(meterRegistry, "damaged");
	}

	private static Counter counter(MeterRegistry meterRegistry, String operation) {
		return Counter.builder("keyapi.proxy.cache.disk.failures")
			.description("Failures of the page cache on disk: opening it, writing to it (pages kept in memory only), "
					+ "reading from it, and damaged records dropped")
			.tag("operation", operation)
			.register(meterRegistry);
	}

	void open() {
		this.open.increment();
	}

	void write() {
		this.write.increment();
	}

	void read() {
		this.read.increment();
	}

	void damaged() {
		this.damaged.increment();
	}

}
