package com.acme.keyapiproxy.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * KeyAPI's livestream endpoint, the only way the proxy reaches KeyAPI. One {@link #fetch}
 * is one miss: inside it, every attempt waits for its turn at the send gate, shared
 * fairly between teams and spaced from when the previous request was actually written
 * ({@link UpstreamSlots}), is timed out on its own, counted and logged; failed attempts
 * worth repeating are retried (Resilience4j {@link Retry}); and a miss that failed on
 * every attempt because KeyAPI was down feeds a Resilience4j {@link CircuitBreaker} that
 * makes later misses fail fast.
 * <p>
 * Thread-safe; shared by every request.
 */
@Component
public class KeyApiClient implements DisposableBean {

	static final String LIVESTREAMS_PATH = "/v1/tiktok/influencer/livestreams/analytics";

	/** A page of 10 livestreams is a few kilobytes; anything near this is not a page. */
	static final int MAX_RESPONSE_BYTES = 1024 * 1024;

	/** The message of KeyAPI's 429 when it refuses a request for its rate limit. */
	static final String QPS_LIMIT_EXCEEDED = "qps limit exceeded";

	private static final Logger log = LoggerFactory.getLogger(KeyApiClient.class);

	private final KeyApiProperties properties;

	private final WebClient webClient;

	private final Clock clock;

	private final UpstreamSlots slots;

	private final AttemptRecorder recorder;

	private final Retry retry;

	private final CircuitBreaker circuitBreaker;

	private volatile Instant circuitOpenedAt = Instant.EPOCH;

	private final QuotaCooldown quotaCooldown;

	private final ScheduledExecutorService slotDispatcher = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "keyapi-slots");
		thread.setDaemon(true);
		return thread;
	});

	KeyApiClient(KeyApiProperties properties, WebClient.Builder webClients, MeterRegistry meterRegistry, Clock clock,
			ObjectProvider<SharedPacing> sharedPacing) {
		this.properties = properties;
		this.clock = clock;
		this.quotaCooldown = new QuotaCooldown(properties.quotaCooldown(), clock);
		// An attempt's turn at the gate ends when KeyAPI has its request, not when it was
		// let through: one still connecting (a cold JVM, a new TLS connection) holds the
		// next one back.
		HttpClient http = SendReports.reporting(HttpClient.create()
			// Reactor Netty silently resends a request once when a pooled connection
			// breaks: a request that took no slot, was not counted, and may cost a
			// credit. Every send goes through fetch().
			.disableRetry(true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis()));
		// Event loops, native transport and the host name resolver are set up on first
		// use, which holds back the first requests for a good part of a second and lets
		// them reach KeyAPI bunched together. Set them up now, in the background: it
		// takes about a second, which the start need not wait for.
		http.warmup()
			.subscribe(null, (failure) -> log.warn("Could not prepare the KeyAPI client ahead of use", failure));
		this.webClient = webClients.baseUrl(properties.baseUrl().toString())
			.clientConnector(new GatedConnector(new ReactorClientHttpConnector(http)))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(MAX_RESPONSE_BYTES))
			.build();
		SharedPacing shared = sharedPacing.getIfAvailable();
		AdaptiveRate rate = new AdaptiveRate(properties.rateLimit().qps(),
				(shared != null) ? shared.learned() : new LocalLearnedLimits(), System::currentTimeMillis);
		this.slots = new UpstreamSlots((shared != null) ? shared.gate() : new LocalSendGate(System::nanoTime), rate,
				(shared != null) ? shared.backlog() : UpstreamBacklog.NONE, properties.rateLimit().maxWait(),
				properties.longestSend(), this.slotDispatcher, System::nanoTime);
		if (shared != null) {
			shared.backlog().publish(this.slots::inLine);
		}
		this.recorder = new AttemptRecorder(meterRegistry);
		RetryRegistry retries = RetryRegistry.of(new UpstreamRetryPolicy(properties.retry()).config());
		this.retry = retries.retry("keyapi");
		CircuitBreakerRegistry breakers = CircuitBreakerRegistry
			.of(circuitBreakerConfig(properties.circuitBreaker(), clock));
		this.circuitBreaker = breakers.circuitBreaker("keyapi");
		this.circuitBreaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.circuitOpenedAt = clock.instant();
			}
			log.warn("KeyAPI circuit breaker {}", event.getStateTransition());
		});
		TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meterRegistry);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meterRegistry);
		Gauge.builder("keyapi.proxy.upstream.queue", this.slots, (s) -> s.queueDrainsIn().toNanos() / 1e9)
			.description(
					"Seconds until every upstream slot handed out so far has been used (the wait a new miss faces)")
			.baseUnit("seconds")
			.register(meterRegistry);
		Gauge.builder("keyapi.proxy.upstream.rate", this.slots, UpstreamSlots::ratePerSecond)
			.description("Requests per second the proxy allows itself toward KeyAPI now (below qps after KeyAPI "
					+ "refused for its limit)")
			.register(meterRegistry);
	}

	/**
	 * Fetches one page from KeyAPI.
	 * @param query what to ask for, and for which team (logged with each attempt)
	 * @param beforeFirstSend run once, on a thread that may block, when the first attempt
	 * is next in line to be sent (the credit is spent there); when it throws, nothing is
	 * sent and the fetch fails with that
	 * @param beforeEachSend asked right before every attempt, the first and each retry,
	 * goes on the wire (after {@code beforeFirstSend}); when it throws, that attempt is
	 * not sent, no other follows, and the fetch fails with what it threw
	 * @param onCreditSpent run once for every attempt KeyAPI answered 2xx, i.e. every
	 * credit KeyAPI charged
	 * @return the page, or an {@link UpstreamFailure} naming why there is none (or what
	 * {@code beforeFirstSend} or {@code beforeEachSend} threw)
	 */
	public Mono<VendorPage> fetch(LivestreamsQuery query, Runnable beforeFirstSend, SendCheck beforeEachSend,
			Runnable onCreditSpent) {
		return Mono.defer(() -> {
			boolean probe = this.quotaCooldown.admit();
			Mono<VendorPage> page = guardedFetch(query, once(beforeFirstSend), beforeEachSend, onCreditSpent)
				.onErrorMap(SendWithdrawn.class, SendWithdrawn::reason);
			return probe ? page.doFinally((signal) -> this.quotaCooldown.probeDone()) : page;
		});
	}

	/**
	 * The step, run once, off the caller's thread. It is never interrupted: cancelling
	 * the wait for it does not cancel it (a file channel interrupted mid-write closes for
	 * good, and the step writes the ledger).
	 */
	private static Mono<Void> once(Runnable step) {
		AtomicBoolean done = new AtomicBoolean();
		return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> {
			try {
				if (done.compareAndSet(false, true)) {
					step.run();
				}
				return Optional.<RuntimeException>empty();
			}
			catch (RuntimeException refused) {
				// Handed on as a value: if nobody waits for it any more, it is dropped
				// quietly.
				return Optional.of(refused);
			}
		}, (task) -> Schedulers.boundedElastic().schedule(task)), true)
			.flatMap((refused) -> refused.isPresent() ? Mono.<Void>error(refused.get()) : Mono.<Void>empty());
	}

	private Mono<VendorPage> guardedFetch(LivestreamsQuery query, Mono<Void> beforeFirstSend, SendCheck beforeEachSend,
			Runnable onCreditSpent) {
		AtomicInteger attempts = new AtomicInteger();
		AtomicBoolean everyAttemptTimedOut = new AtomicBoolean(true);
		return Mono
			.defer(() -> attempt(query, attempts.incrementAndGet(), beforeFirstSend, beforeEachSend, onCreditSpent))
			.doOnError(FailedAttempt.class, (failed) -> {
				if (!failed.timedOut()) {
					everyAttemptTimedOut.set(false);
				}
			})
			.transformDeferred(RetryOperator.of(this.retry))
			.onErrorMap(FailedAttempt.class, (last) -> gaveUp(last, attempts.get(), everyAttemptTimedOut.get()))
			.transformDeferred(CircuitBreakerOperator.of(this.circuitBreaker))
			.onErrorMap(CallNotPermittedException.class,
					(open) -> new UpstreamUnavailable("KeyAPI keeps failing; not calling it for a while",
							untilCircuitProbes()));
	}

	/** The longest one {@link #fetch} can take: every wait in it is bounded. */
	public Duration longestMiss() {
		return this.properties.longestMiss();
	}

	@Override
	public void destroy() {
		this.slotDispatcher.shutdownNow();
	}

	/**
	 * What an operator wants to see of KeyAPI's state on {@code /actuator/health}: none
	 * of it is a secret.
	 */
	Map<String, @Nullable Object> state() {
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		state.put("circuitBreaker", this.circuitBreaker.getState().name());
		Instant coolingUntil = this.quotaCooldown.coolingUntil();
		// A timestamp, or JSON null when KeyAPI's quota is not known to be spent (never
		// the string "null").
		state.put("quotaExhaustedUntil", (coolingUntil != null) ? coolingUntil.toString() : null);
		state.put("upstreamQueueSeconds", this.slots.queueDrainsIn().toMillis() / 1000.0);
		state.put("upstreamRate", this.slots.ratePerSecond());
		return state;
	}

	private Mono<VendorPage> attempt(LivestreamsQuery query, int attempt, Mono<Void> beforeFirstSend,
			SendCheck beforeEachSend, Runnable onCreditSpent) {
		return Mono.usingWhen(this.slots.turn(query.team(), query.teamWeight(), beforeFirstSend, beforeEachSend),
				(slot) -> send(query, attempt, onCreditSpent, slot), (slot) -> Mono.fromRunnable(slot::end));
	}

	private Mono<VendorPage> send(LivestreamsQuery query, int attempt, Runnable onCreditSpent,
			UpstreamSlots.Slot slot) {
		long started = System.nanoTime();
		return this.webClient.get()
			.uri((uri) -> uri.path(LIVESTREAMS_PATH)
				.queryParam("user_id", query.userId())
				.queryParam("page_num", query.pageNum())
				.queryParam("page_size", query.pageSize())
				.build())
			.headers((headers) -> headers.setBearerAuth(this.properties.apiKey()))
			.exchangeToMono(this::readAnswer)
			// The attempt's own time starts when it is let through the gate (its
			// connection is ready by then).
			.timeout(slot.wentThrough().then(Mono.delay(this.properties.timeout())))
			// Refused at the gate, or withdrawn by the check after it (WebClient wraps
			// both): not sent, not an attempt.
			.onErrorMap((ex) -> withdrawn(ex) != null, KeyApiClient::withdrawn)
			.onErrorMap((ex) -> !(ex instanceof SendWithdrawn) && refusedAtTheGate(ex) != null,
					KeyApiClient::refusedAtTheGate)
			.onErrorResume((ex) -> !(ex instanceof UpstreamFailure) && !(ex instanceof SendWithdrawn),
					(ex) -> Mono.just(VendorAnswer.transportFailure(ex)))
			.contextWrite(Context.of(UpstreamSlots.Slot.class, slot))
			.map((answer) -> {
				if (answer.status() == 429) {
					this.slots.refused(slot, answer.refusedForLimit(), answer.retryAfter());
				}
				int credits = answer.charged() ? 1 : 0;
				this.recorder.record(query, attempt, answer.outcome(), slot.nanosSinceLetThrough(started), credits);
				if (credits > 0) {
					onCreditSpent.run();
				}
				return judge(answer);
			});
	}

	private static @Nullable UpstreamFailure refusedAtTheGate(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof UpstreamFailure refused) {
				return refused;
			}
		}
		return null;
	}

	private static @Nullable SendWithdrawn withdrawn(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SendWithdrawn withdrawn) {
				return withdrawn;
			}
		}
		return null;
	}

	private Mono<VendorAnswer> readAnswer(ClientResponse response) {
		int status = response.statusCode().value();
		Duration retryAfter = RetryAfterHeader
			.parse(response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), this.clock);
		if (status == 429) {
			// KeyAPI's 429 says why: "qps limit exceeded" is the one that asks every
			// later request to slow down.
			return response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.onErrorReturn("")
				.map((body) -> VendorAnswer.refused(status, retryAfter, body.contains(QPS_LIMIT_EXCEEDED)));
		}
		if (!response.statusCode().is2xxSuccessful()) {
			return response.releaseBody().thenReturn(VendorAnswer.status(status, retryAfter));
		}
		return response.bodyToMono(byte[].class)
			.defaultIfEmpty(new byte[0])
			.map((body) -> VendorAnswer.body(status, body))
			.onErrorResume(org.springframework.core.io.buffer.DataBufferLimitException.class,
					(tooLarge) -> Mono.just(VendorAnswer.tooLarge(status)));
	}

	private VendorPage judge(VendorAnswer answer) {
		int status = answer.status();
		if (answer.transportFailed()) {
			throw new FailedAttempt(answer.outcome(), null);
		}
		if (status != 402) {
			this.quotaCooldown.clear();
		}
		if (status == 200) {
			if (answer.body() == null) {
				throw new UpstreamBadResponse("KeyAPI's answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
			}
			return VendorEnvelope.read(answer.body());
		}
		switch (status) {
			case 429, 500, 502, 503, 504 -> throw new FailedAttempt(answer.outcome(), answer.retryAfter());
			case 401, 403 -> {
				log.error("KeyAPI refused the proxy's key (HTTP {}): check KEYAPI_API_KEY", status);
				throw new UpstreamAuthFailed(status);
			}
			case 402 -> {
				log.error("KeyAPI answered 402: the account's credits are exhausted; no miss calls it for {}",
						this.properties.quotaCooldown());
				throw new UpstreamQuotaExhausted(this.quotaCooldown.trip());
			}
			default -> {
				if (status >= 500) {
					throw new UpstreamUnavailable("KeyAPI answered HTTP " + status, Duration.ofSeconds(1));
				}
				throw new UpstreamBadResponse("KeyAPI answered HTTP " + status + " instead of 200");
			}
		}
	}

	private UpstreamFailure gaveUp(FailedAttempt last, int attempts, boolean everyAttemptTimedOut) {
		if (everyAttemptTimedOut) {
			return new UpstreamTimedOut(attempts);
		}
		Duration retryAfter = (last.retryAfter() != null) ? last.retryAfter() : Duration.ofSeconds(1);
		return new UpstreamUnavailable("KeyAPI failed on " + attempts + (attempts == 1 ? " attempt" : " attempts")
				+ ", the last with " + last.outcome(), retryAfter);
	}

	private Duration untilCircuitProbes() {
		Duration openFor = this.properties.circuitBreaker().openFor();
		Duration left = Duration.between(this.clock.instant(), this.circuitOpenedAt.plus(openFor));
		return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
	}

	private static CircuitBreakerConfig circuitBreakerConfig(KeyApiProperties.CircuitBreaker settings, Clock clock) {
		return CircuitBreakerConfig.custom()
			.clock(clock)
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(settings.window())
			.minimumNumberOfCalls(settings.minimumCalls())
			.failureRateThreshold(settings.failureRate())
			.waitDurationInOpenState(settings.openFor())
			// Half-open after open-for even when no miss comes to find out: an open state
			// that waits for traffic keeps the breaker's "open" gauge (and its alert) up
			// long after KeyAPI is back.
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordException(KeyApiClient::isOutage)
			.ignoreException((ex) -> !isOutage(ex))
			.build();
	}

	/** A 4xx or a malformed answer is KeyAPI's verdict on one request, not an outage. */
	private static boolean isOutage(Throwable failure) {
		return failure instanceof UpstreamUnavailable || failure instanceof UpstreamTimedOut;
	}

	/** What one attempt got back, before it is judged. */
	private record VendorAnswer(int status, String outcome, @Nullable Duration retryAfter, byte @Nullable [] body,
			boolean transportFailed, boolean refusedForLimit) {

		static VendorAnswer status(int status, @Nullable Duration retryAfter) {
			return new VendorAnswer(status, Integer.toString(status), retryAfter, null, false, false);
		}

		static VendorAnswer refused(int status, @Nullable Duration retryAfter, boolean forLimit) {
			return new VendorAnswer(status, Integer.toString(status), retryAfter, null, false, forLimit);
		}

		static VendorAnswer body(int status, byte[] body) {
			return new VendorAnswer(status, Integer.toString(status), null, body, false, false);
		}

		static VendorAnswer tooLarge(int status) {
			return new VendorAnswer(status, Integer.toString(status), null, null, false, false);
		}

		static VendorAnswer transportFailure(Throwable failure) {
			String outcome = (failure instanceof TimeoutException) ? AttemptOutcome.TIMEOUT : AttemptOutcome.IO_ERROR;
			return new VendorAnswer(0, outcome, null, null, true, false);
		}

		/** KeyAPI charges a credit for every 2xx answer, well-formed or not. */
		boolean charged() {
			return this.status >= 200 && this.status < 300;
		}

	}

}
