package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Hands out upstream slots, one every {@code 1/qps} plus a safety margin, so that KeyAPI never sees more than
 * {@code qps} requests in <em>any</em> sliding second (retries included), and shares them fairly between the teams
 * that are waiting.
 * <p>
 * How: attempts wait in one queue per team. A single dispatcher takes one permit at a time from its
 * {@link UpstreamPermits} (one permit per interval: a Resilience4j {@link RateLimiter} for a single instance, a token
 * bucket in Redis shared by every replica in shared mode), and when the permit is due releases the head of the next team's
 * queue in weighted round-robin order (a team of weight {@code w} gets up to {@code w} slots per round). So a team
 * with 500 queued misses delays another team's single miss by about one slot, not 500.
 * <p>
 * An attempt whose expected wait is longer than {@code keyapi.rate-limit.max-wait} is refused at once with
 * {@link UpstreamBusy}; one that waits longer anyway (other teams arrived and took their fair share) is refused when
 * its wait reaches {@code max-wait} plus one interval of grace.
 * <p>
 * Resilience4j's permits belong to fixed cycles, so a permit at the very end of one cycle and the next at the very
 * start of the following one would go out back to back; a timer that fires late would do the same. So every send
 * also passes {@link #delayBeforeSending()}, which holds it until one full interval after the previous send.
 * <p>
 * Thread-safe: queue state is guarded by one lock; the dispatcher runs on one scheduler thread.
 */
final class UpstreamSlots {

	/** A millisecond of network jitter is enough to put two requests inside one vendor second. */
	static final Duration SAFETY_MARGIN = Duration.ofMillis(10);

	private final UpstreamPermits permits;

	private final long intervalNanos;

	private final Duration maxWait;

	private final ScheduledExecutorService dispatcher;

	private final LongSupplier nanoTime;

	private final AtomicLong lastSend;

	private final Object lock = new Object();

	private final Map<String, ArrayDeque<Waiter>> queues = new HashMap<>();

	/** Teams with waiters, in turn order; the head is the team whose turn it is. */
	private final ArrayDeque<String> turns = new ArrayDeque<>();

	private int slotsInThisTurn;

	private int waiting;

	/** When the permit being waited for is due ({@code nanoTime}), or {@code null} when the dispatcher is idle. */
	private @Nullable Long nextReleaseAt;

	UpstreamSlots(UpstreamPermits permits, Duration maxWait, ScheduledExecutorService dispatcher,
			LongSupplier nanoTime) {
		this.permits = permits;
		this.intervalNanos = permits.interval().toNanos();
		this.maxWait = maxWait;
		this.dispatcher = dispatcher;
		this.nanoTime = nanoTime;
		this.lastSend = new AtomicLong(nanoTime.getAsLong() - this.intervalNanos);
	}

	/** One permit per {@code 1/qps} plus the margin; only the dispatcher takes them, one at a time. */
	static RateLimiterConfig permitConfig(double qps) {
		return RateLimiterConfig.custom()
			.limitForPeriod(1)
			.limitRefreshPeriod(interval(qps))
			.timeoutDuration(Duration.ofDays(1))
			.build();
	}

	static Duration interval(double qps) {
		return Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / qps)).plus(SAFETY_MARGIN);
	}

	/**
	 * Waits for this team's next fair slot.
	 * @return completes when the attempt may go on to {@link #delayBeforeSending()}; fails with {@link UpstreamBusy}
	 * at once when the expected wait is longer than the longest wait, or when the wait reaches it
	 */
	Mono<Void> acquire(String team, int weight) {
		return Mono.<Void>create((sink) -> enqueue(new Waiter(team, Math.max(1, weight), sink)))
			// An attempt admitted on its expected wait gets one interval of grace for timer drift before it is
			// refused; beyond that, only other teams taking their fair share can have pushed it back.
			.timeout(this.maxWait.plusNanos(this.intervalNanos))
			.onErrorMap(TimeoutException.class, (late) -> busy());
	}

	/**
	 * Called when a slot was granted.
	 * @return zero when the request may go now (and it is recorded as sent), else how much longer to wait
	 */
	Duration delayBeforeSending() {
		Duration shared = this.permits.sharedSendDelay();
		if (shared != null) {
			return shared;
		}
		while (true) {
			long now = this.nanoTime.getAsLong();
			long last = this.lastSend.get();
			long earliest = last + this.intervalNanos;
			if (now < earliest) {
				return Duration.ofNanos(earliest - now);
			}
			if (this.lastSend.compareAndSet(last, now)) {
				return Duration.ZERO;
			}
		}
	}

	/** How long until every attempt waiting now has had its slot: the wait a new attempt would face. */
	Duration queueDrainsIn() {
		synchronized (this.lock) {
			return Duration.ofNanos(untilNextRelease() + Math.max(0, this.waiting - 1) * this.intervalNanos);
		}
	}

	private void enqueue(Waiter waiter) {
		synchronized (this.lock) {
			long expected = untilNextRelease() + slotsAhead(waiter) * this.intervalNanos;
			if (expected > this.maxWait.toNanos()) {
				waiter.sink().error(busy());
				return;
			}
			this.queues.computeIfAbsent(waiter.team(), (team) -> {
				this.turns.addLast(team);
				return new ArrayDeque<>();
			}).addLast(waiter);
			this.waiting++;
			waiter.sink().onCancel(() -> remove(waiter));
			if (this.nextReleaseAt == null) {
				takeNextPermit();
			}
		}
	}

	/** Slots the dispatcher will hand out before this new waiter's, in weighted round-robin order. */
	private long slotsAhead(Waiter waiter) {
		ArrayDeque<Waiter> own = this.queues.get(waiter.team());
		int ownAhead = (own != null) ? own.size() : 0;
		long round = ownAhead / waiter.weight();
		long ahead = ownAhead;
		for (ArrayDeque<Waiter> other : this.queues.values()) {
			if (other != own && !other.isEmpty()) {
				ahead += Math.min(other.size(), (round + 1) * other.peekFirst().weight());
			}
		}
		return ahead;
	}

	private long untilNextRelease() {
		Long at = this.nextReleaseAt;
		if (at != null) {
			return Math.max(0, at - this.nanoTime.getAsLong());
		}
		return this.permits.nanosUntilFree();
	}

	/**
	 * With the lock held: has the dispatcher reserve the next permit and schedule its release. The reservation runs
	 * on the dispatcher, outside the lock, as it may be a call to Redis.
	 */
	private void takeNextPermit() {
		// Until the reservation answers, the best estimate of when it will be due (waits are judged against it).
		this.nextReleaseAt = this.nanoTime.getAsLong() + this.permits.nanosUntilFree();
		this.dispatcher.execute(this::reserveNextPermit);
	}

	private void reserveNextPermit() {
		long wait;
		try {
			wait = this.permits.reserve();
		}
		catch (RuntimeException unreachable) {
			refuseEveryWaiter(unreachable);
			return;
		}
		synchronized (this.lock) {
			this.nextReleaseAt = this.nanoTime.getAsLong() + wait;
		}
		this.dispatcher.schedule(this::release, wait, TimeUnit.NANOSECONDS);
	}

	/** No permit can be had (the shared limiter is unreachable): nobody waiting now can be sent. */
	private void refuseEveryWaiter(RuntimeException reason) {
		List<Waiter> refused = new ArrayList<>();
		synchronized (this.lock) {
			this.queues.values().forEach(refused::addAll);
			this.queues.clear();
			this.turns.clear();
			this.slotsInThisTurn = 0;
			this.waiting = 0;
			this.nextReleaseAt = null;
		}
		refused.forEach((waiter) -> waiter.sink().error(reason));
	}

	private void release() {
		Waiter next;
		synchronized (this.lock) {
			next = nextInTurn();
			if (this.waiting > 0) {
				takeNextPermit();
			}
			else {
				this.nextReleaseAt = null;
			}
		}
		if (next != null) {
			next.sink().success();
		}
	}

	/** With the lock held: the head of the queue of the team whose turn it is, moving the turn on as weights say. */
	private @Nullable Waiter nextInTurn() {
		String team = this.turns.peekFirst();
		if (team == null) {
			return null;
		}
		ArrayDeque<Waiter> queue = this.queues.get(team);
		Waiter next = queue.pollFirst();
		this.waiting--;
		this.slotsInThisTurn++;
		if (queue.isEmpty()) {
			this.queues.remove(team);
			this.turns.pollFirst();
			this.slotsInThisTurn = 0;
		}
		else if (this.slotsInThisTurn >= next.weight()) {
			this.turns.addLast(this.turns.pollFirst());
			this.slotsInThisTurn = 0;
		}
		return next;
	}

	private void remove(Waiter waiter) {
		synchronized (this.lock) {
			ArrayDeque<Waiter> queue = this.queues.get(waiter.team());
			if (queue == null || !queue.remove(waiter)) {
				return;
			}
			this.waiting--;
			if (queue.isEmpty()) {
				this.queues.remove(waiter.team());
				if (waiter.team().equals(this.turns.peekFirst())) {
					this.slotsInThisTurn = 0;
				}
				this.turns.remove(waiter.team());
			}
		}
	}

	private UpstreamBusy busy() {
		Duration drain = queueDrainsIn();
		long seconds = drain.getSeconds() + ((drain.getNano() > 0) ? 1 : 0);
		return new UpstreamBusy(Duration.ofSeconds(Math.max(1, seconds)));
	}

	private record Waiter(String team, int weight, MonoSink<Void> sink) {
	}

}
