package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every attempt sent to KeyAPI visible: one counter increment by status, one
 * histogram sample, one log line. The sum of {@code keyapi_proxy_upstream_requests_total}
 * is therefore exactly what KeyAPI saw.
 */
final class AttemptRecorder {

	private static final Logger log = LoggerFactory.getLogger(KeyApiClient.class);

	private final MeterRegistry registry;

	private final Timer duration;

	private final Map<String, Counter> requestsByStatus = new ConcurrentHashMap<>();

	AttemptRecorder(MeterRegistry registry) {
		this.registry = registry;
		this.duration = Timer.builder("keyapi.proxy.upstream.request.duration")
			.description("Duration of each attempt sent to KeyAPI, connect to last byte")
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(5))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(registry);
		for (String outcome : AttemptOutcome.EXPECTED) {
			this.requestsByStatus.put(outcome, requestsCounter(outcome));
		}
	}

	void record(LivestreamsQuery query, int attempt, String outcome, long durationNanos, int credits) {
		this.requestsByStatus.computeIfAbsent(outcome, this::requestsCounter).increment();
		this.duration.record(durationNanos, TimeUnit.NANOSECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(durationNanos);
		log.atInfo()
			.addKeyValue("team", query.team())
			.addKeyValue("user_id", query.userId())
			.addKeyValue("page", query.pageNum())
			.addKeyValue("size", query.pageSize())
			.addKeyValue("status", outcome)
			.addKeyValue("attempt", attempt)
			.addKeyValue("duration_ms", millis)
			.addKeyValue("credits", credits)
			.log("KeyAPI attempt team={} user_id={} page={} size={} status={} attempt={} duration_ms={} credits={}",
					query.team(), query.userId(), query.pageNum(), query.pageSize(), outcome, attempt, millis, credits);
	}

	private Counter requestsCounter(String status) {
		return Counter.builder("keyapi.proxy.upstream.requests")
			.description("Every attempt sent to KeyAPI, by the status it answered (or io_error, timeout)")
			.tag("status", status)
			.register(this.registry);
	}

}
