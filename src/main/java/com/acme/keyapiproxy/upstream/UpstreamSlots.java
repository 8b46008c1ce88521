package com.acme.keyapiproxy.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * Lets attempts through to KeyAPI one at a time, spaced as KeyAPI sees them arrive, and
 * shares the turns fairly between the teams that wait.
 * <p>
 * An attempt waits in its team's queue. The dispatcher takes the head of the next team's
 * queue in weighted round-robin order (a team of weight {@code w} gets up to {@code w}
 * turns per round, so a team with 500 queued misses delays another team's single miss by
 * about one turn) and makes it <em>next</em>: its {@code whenNext} step runs (the credit
 * is spent there), then {@link #turn} hands it the slot, and it gets its request ready —
 * a connection, opened if need be — while the attempt before it may still be on its way.
 * Its request then waits in {@link Slot#letThrough()}: the dispatcher takes the
 * {@link SendGate} for it, which is free once the previous request has been written and
 * one interval has passed since, asks the attempt's {@link SendCheck} whether it may
 * still go (withdrawn, it frees the gate unsent), and lets it through: it is written at
 * once and reports {@link Slot#sent()}. Connecting happens before the gate, so neither a
 * slow connection nor a cold one stretches the spacing. The interval is the
 * {@link AdaptiveRate}'s, so a refusal from KeyAPI slows every later send.
 * <p>
 * An attempt whose expected wait is longer than {@code keyapi.rate-limit.max-wait} is
 * refused at once with {@link UpstreamBusy}; one that waits longer anyway (other teams
 * arrived and took their fair share) is refused when its wait reaches {@code max-wait}
 * plus one interval. Either way it was not sent.
 * <p>
 * Threads: the queues and the two attempts out of them ({@code next}, {@code sending})
 * are guarded by one lock, which is never held while a sink is completed or the gate, the
 * rate or Redis is called. The gate and the rate are only used on the dispatcher thread.
 * {@link Slot#sent()} is called on a Netty event loop and only hands over to the
 * dispatcher. The slot of {@link #turn} is completed on the thread that ran
 * {@code whenNext} (or the dispatcher's); {@link Slot#letThrough()} on the dispatcher
 * thread, where the request is then written; a refusal on the thread that found it (the
 * caller's, the dispatcher's, or a timer's).
 */
final class UpstreamSlots {

	/** How soon to ask the shared gate again while another replica's send holds it. */
	static final Duration POLL_WHILE_HELD_ELSEWHERE = Duration.ofMillis(2);

	private static final Logger log = LoggerFactory.getLogger(UpstreamSlots.class);

	private final SendGate gate;

	private final AdaptiveRate rate;

	private final UpstreamBacklog backlog;

	private final Duration maxWait;

	private final Duration longestSend;

	private final ScheduledExecutorService dispatcher;

	private final LongSupplier nanoTime;

	private final Object lock = new Object();

	private final Map<String, ArrayDeque<Slot>> queues = new HashMap<>();

	/** Teams with waiters, in turn order; the head is the team whose turn it is. */
	private final ArrayDeque<String> turns = new ArrayDeque<>();

	private int slotsInThisTurn;

	private int waiting;

	/** Out of its queue, getting ready ({@code whenNext}) or ready for the gate. */
	private @Nullable Slot next;

	/** Holds the gate: let through, its request not yet written. */
	private @Nullable Slot sending;

	/** The interval last in force, for estimates made under the lock. */
	private volatile long intervalNanos;

	/**
	 * The time one send really takes at the gate while sends follow each other (the
	 * interval, and what letting it through, connecting and writing add): a moving
	 * average of the gaps between writes, for estimates.
	 */
	private volatile long spacingNanos;

	/** Dispatcher thread only. */
	private final SendLag sendLag = new SendLag();

	/**
	 * Dispatcher thread only: when the gate said it would be free for the candidate, 0
	 * when it did not say.
	 */
	private long gateFreeAt;

	/**
	 * Dispatcher thread only: when the pending timed dispatch is due, or {@code null}
	 * when there is none.
	 */
	private @Nullable Long timerDueAt;

	UpstreamSlots(SendGate gate, AdaptiveRate rate, UpstreamBacklog backlog, Duration maxWait, Duration longestSend,
			ScheduledExecutorService dispatcher, LongSupplier nanoTime) {
		this.gate = gate;
		this.rate = rate;
		this.backlog = backlog;
		this.maxWait = maxWait;
		this.longestSend = longestSend;
		this.dispatcher = dispatcher;
		this.nanoTime = nanoTime;
		this.intervalNanos = rate.lastKnownIntervalNanos();
		this.spacingNanos = this.intervalNanos;
	}

	/**
	 * Waits for this team's next fair turn.
	 * @param whenNext run when this attempt is next in line (a failure ends the wait with
	 * it)
	 * @param beforeSend asked on the dispatcher thread once the gate is taken for this
	 * attempt, right before it is let through: when it throws, {@link Slot#letThrough()}
	 * fails with {@link SendWithdrawn} and the gate is free again at once, as nothing was
	 * sent
	 * @return the slot, once this attempt is next and {@code whenNext} has run: get the
	 * request ready, wait in {@link Slot#letThrough()}, write it, call
	 * {@link Slot#sent()} when it is written and {@link Slot#end()} when the attempt is
	 * over; or {@link UpstreamBusy} at once when the expected wait is longer than the
	 * longest wait, or when the wait reaches it
	 */
	Mono<Slot> turn(String team, int weight, Mono<Void> whenNext, SendCheck beforeSend) {
		long deadline = this.nanoTime.getAsLong() + this.maxWait.toNanos() + this.intervalNanos;
		return Mono.<Slot>create((sink) -> {
			Slot slot = new Slot(team, Math.max(1, weight), sink, whenNext, beforeSend, deadline);
			sink.onCancel(slot::end);
			enqueue(slot);
		})
			.timeout(Duration.ofNanos(Math.max(0, deadline - this.nanoTime.getAsLong())))
			.onErrorMap(TimeoutException.class, (late) -> busy());
	}

	/**
	 * How long until every attempt waiting now has had its turn: the wait a new attempt
	 * would face.
	 */
	Duration queueDrainsIn() {
		synchronized (this.lock) {
			return Duration.ofNanos(expectedWaitBehind(this.waiting, this.backlog.elsewhere()));
		}
	}

	/**
	 * Attempts in line here: waiting, and the one next (for the other replicas'
	 * estimates).
	 */
	int inLine() {
		synchronized (this.lock) {
			return this.waiting + ((this.next != null) ? 1 : 0);
		}
	}

	/** Requests per second allowed now (for the gauge). */
	double ratePerSecond() {
		return this.rate.perSecondOrLastKnown();
	}

	/**
	 * KeyAPI answered 429 to a request that was sent through this slot.
	 * @param forLimit whether it said the refusal was for its rate limit: every later
	 * send slows down
	 * @param retryAfter the vendor's {@code Retry-After}, if any: no send goes before it
	 * has passed
	 */
	void refused(Slot slot, boolean forLimit, @Nullable Duration retryAfter) {
		long sentAtMillis = slot.sentAtMillis;
		onDispatcher(() -> {
			try {
				if (retryAfter != null && !retryAfter.isZero()) {
					this.gate.pause(retryAfter);
				}
				if (forLimit) {
					this.rate.refusedForLimit(sentAtMillis);
				}
			}
			catch (SharedStateUnavailable unreachable) {
				log.warn("Could not slow every replica down after KeyAPI's 429: {}", unreachable.getMessage());
			}
		});
	}

	private void enqueue(Slot slot) {
		UpstreamBacklog.Place place = this.backlog.joined();
		slot.ticket = place.ticket();
		UpstreamBusy refused = null;
		synchronized (this.lock) {
			long expected = expectedWaitFor(slot, place.elsewhere());
			if (expected > this.maxWait.toNanos()) {
				refused = busy(drainQuote(this.waiting, place.elsewhere()));
			}
			else {
				this.queues.computeIfAbsent(slot.team, (team) -> {
					this.turns.addLast(team);
					return new ArrayDeque<>();
				}).addLast(slot);
				this.waiting++;
			}
		}
		if (refused != null) {
			slot.leaveLine();
			slot.sink.error(refused);
			return;
		}
		wake();
	}

	/**
	 * With the lock held: the wait before this new slot's turn, in weighted round-robin
	 * order here, behind every attempt in line on other replicas.
	 */
	private long expectedWaitFor(Slot slot, int elsewhere) {
		ArrayDeque<Slot> own = this.queues.get(slot.team);
		int ownAhead = (own != null) ? own.size() : 0;
		long round = ownAhead / slot.weight;
		long ahead = ownAhead;
		for (ArrayDeque<Slot> other : this.queues.values()) {
			if (other != own && !other.isEmpty()) {
				ahead += Math.min(other.size(), (round + 1) * other.peekFirst().weight);
			}
		}
		return expectedWaitBehind(ahead, elsewhere);
	}

	/**
	 * With the lock held: the wait of an attempt with {@code ahead} queued attempts
	 * before it here, and {@code elsewhere} on other replicas (the shared gate serves
	 * them in the order they joined).
	 */
	private long expectedWaitBehind(long ahead, int elsewhere) {
		return nanosUntilFree() + nanosInLine(ahead, elsewhere);
	}

	/**
	 * With the lock held: what a refusal quotes as its {@code Retry-After}. The line
	 * ahead is gone within {@code max-wait} and an interval, since no attempt in it waits
	 * longer (it is sent or refused by then), whatever the estimate says: it says more
	 * while a flood of misses joins the shared backlog on every replica at once, those
	 * refused a moment later still counted there. A pause KeyAPI asked for comes on top.
	 */
	private long drainQuote(long ahead, int elsewhere) {
		long longestInLine = this.maxWait.toNanos() + this.intervalNanos;
		return nanosUntilFree() + Math.min(nanosInLine(ahead, elsewhere), longestInLine);
	}

	/** With the lock held: until the gate is free for the next attempt. */
	private long nanosUntilFree() {
		long untilFree = this.gate.nanosUntilFree(this.intervalNanos);
		if (this.sending != null) {
			// Its write, and an interval after it, are still to come.
			untilFree = Math.max(untilFree, spacing());
		}
		return untilFree;
	}

	/** With the lock held: how long the attempts in line take, one spacing each. */
	private long nanosInLine(long ahead, int elsewhere) {
		long inLine = ahead + ((this.next != null) ? 1 : 0) + elsewhere;
		return inLine * spacing();
	}

	/**
	 * What sends really take, but never more than a quarter over the interval: a cold
	 * start's first, slow sends must not make the estimates refuse what the line can
	 * serve.
	 */
	private long spacing() {
		long interval = this.intervalNanos;
		return Math.min(interval + interval / 4, Math.max(interval, this.spacingNanos));
	}

	private void wake() {
		onDispatcher(this::dispatch);
	}

	private void onDispatcher(Runnable task) {
		try {
			this.dispatcher.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException unexpected) {
					// The dispatcher must go on: a lost wake-up would stall every miss
					// behind it.
					log.error("Upstream slot dispatcher failed; dispatching again", unexpected);
					wake();
				}
			});
		}
		catch (RejectedExecutionException shutDown) {
			// The application is stopping.
		}
	}

	/**
	 * Completions gathered under the lock: each runs, whatever the one before it threw.
	 */
	private static void runEach(List<Runnable> completions) {
		for (Runnable completion : completions) {
			try {
				completion.run();
			}
			catch (RuntimeException unexpected) {
				log.error("A completion of an upstream slot failed", unexpected);
			}
		}
	}

	/**
	 * Dispatcher thread only: moves a waiter up to next, and lets next through the gate
	 * when both are ready.
	 */
	private void dispatch() {
		List<Runnable> outside = new ArrayList<>(2);
		Slot candidate;
		synchronized (this.lock) {
			promoteNext(outside);
			candidate = (this.sending == null && this.next != null && this.next.state == State.READY) ? this.next
					: null;
		}
		runEach(outside);
		if (candidate == null) {
			return;
		}
		long wait;
		try {
			long interval = this.rate.intervalNanos();
			this.intervalNanos = interval;
			wait = this.gate.tryTake(interval - Math.min(this.sendLag.lowest(), interval / 4), candidate.ticket);
		}
		catch (SharedStateUnavailable unreachable) {
			refuseEveryWaiter(unreachable);
			return;
		}
		if (wait != 0) {
			long nanos = (wait == SendGate.HELD_ELSEWHERE) ? POLL_WHILE_HELD_ELSEWHERE.toNanos() : wait;
			this.gateFreeAt = (wait == SendGate.HELD_ELSEWHERE) ? 0 : this.nanoTime.getAsLong() + wait;
			dispatchIn(nanos);
			return;
		}
		candidate.lateAtGate = (this.gateFreeAt != 0) ? Math.max(0, this.nanoTime.getAsLong() - this.gateFreeAt) : 0;
		this.gateFreeAt = 0;
		letThrough(candidate);
	}

	/** Dispatcher thread only, with the gate taken for the candidate. */
	private void letThrough(Slot candidate) {
		List<Runnable> outside = new ArrayList<>(2);
		boolean withdrawn;
		synchronized (this.lock) {
			withdrawn = this.next != candidate || candidate.state != State.READY;
			if (!withdrawn) {
				this.next = null;
				this.sending = candidate;
				candidate.state = State.SENDING;
				outside.add(candidate::leaveLine);
				outside.add(candidate::goThrough);
				promoteNext(outside);
			}
		}
		if (withdrawn) {
			this.gate.release(Long.MIN_VALUE);
			dispatch();
			return;
		}
		// A send that never reports (its subscriber vanished) must not hold the gate for
		// ever.
		candidate.stuck = this.dispatcher.schedule(candidate::end, this.longestSend.toNanos(), TimeUnit.NANOSECONDS);
		runEach(outside);
	}

	/** Dispatcher thread only. */
	private void dispatchIn(long nanos) {
		long due = this.nanoTime.getAsLong() + nanos;
		if (this.timerDueAt != null && this.timerDueAt - due <= 0) {
			return;
		}
		this.timerDueAt = due;
		this.dispatcher.schedule(() -> onDispatcher(() -> {
			if (this.timerDueAt != null && this.timerDueAt == due) {
				this.timerDueAt = null;
			}
			dispatch();
		}), nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * With the lock held: when nobody is next, the head of the queue whose turn it is
	 * becomes next.
	 */
	private void promoteNext(List<Runnable> outside) {
		if (this.next != null) {
			return;
		}
		Slot promoted = nextInTurn();
		if (promoted == null) {
			return;
		}
		promoted.state = State.NEXT;
		this.next = promoted;
		outside.add(promoted::prepare);
	}

	/**
	 * With the lock held: the head of the queue of the team whose turn it is, moving the
	 * turn on as weights say.
	 */
	private @Nullable Slot nextInTurn() {
		String team = this.turns.peekFirst();
		if (team == null) {
			return null;
		}
		ArrayDeque<Slot> queue = Objects.requireNonNull(this.queues.get(team),
				"A team is in turns exactly while it has a queue (added and removed together)");
		Slot head = queue.pollFirst();
		this.waiting--;
		this.slotsInThisTurn++;
		if (queue.isEmpty()) {
			this.queues.remove(team);
			this.turns.pollFirst();
			this.slotsInThisTurn = 0;
		}
		else if (this.slotsInThisTurn >= head.weight) {
			this.turns.addLast(this.turns.pollFirst());
			this.slotsInThisTurn = 0;
		}
		return head;
	}

	/** With the lock held: takes a waiting slot out of its queue. */
	private void removeWaiting(Slot slot) {
		ArrayDeque<Slot> queue = this.queues.get(slot.team);
		if (queue == null || !queue.remove(slot)) {
			return;
		}
		this.waiting--;
		if (queue.isEmpty()) {
			this.queues.remove(slot.team);
			if (slot.team.equals(this.turns.peekFirst())) {
				this.slotsInThisTurn = 0;
			}
			this.turns.remove(slot.team);
		}
	}

	/**
	 * The gate cannot be reached (shared mode, Redis down): nobody waiting now can be
	 * sent.
	 */
	private void refuseEveryWaiter(RuntimeException reason) {
		List<Slot> refused = new ArrayList<>();
		synchronized (this.lock) {
			this.queues.values().forEach(refused::addAll);
			this.queues.clear();
			this.turns.clear();
			this.slotsInThisTurn = 0;
			this.waiting = 0;
			if (this.next != null) {
				refused.add(this.next);
				this.next = null;
			}
			refused.forEach((slot) -> slot.refuse(reason));
		}
		refused.forEach((slot) -> slot.leaveLine());
	}

	/**
	 * Dispatcher thread only: the sending slot's request was written (or it ended
	 * before): the gate is free.
	 * @param written whether the write itself was reported (not only KeyAPI's answer, or
	 * the attempt's end)
	 */
	private void finishSending(Slot slot, long sentAtNanos, boolean written) {
		synchronized (this.lock) {
			if (this.sending != slot) {
				return;
			}
			this.sending = null;
			slot.state = State.DONE;
		}
		if (written && slot.wentThroughAt != 0) {
			this.sendLag.record(slot.lateAtGate + (sentAtNanos - slot.wentThroughAt));
		}
		if (slot.stuck != null) {
			slot.stuck.cancel(false);
		}
		try {
			long sinceLastWrite = this.gate.release(slot.withdrawn ? Long.MIN_VALUE : sentAtNanos);
			// Only writes that followed each other count: not a gap the gate spent
			// waiting for an answer.
			if (written && sinceLastWrite > 0 && sinceLastWrite < 2 * this.intervalNanos) {
				this.spacingNanos = (4 * this.spacingNanos + sinceLastWrite) / 5;
			}
		}
		catch (SharedStateUnavailable unreachable) {
			// Its hold in Redis lapses by itself; until then no replica sends.
			log.warn("Could not release the shared KeyAPI send gate: {}", unreachable.getMessage());
		}
		dispatch();
	}

	private UpstreamBusy busy() {
		synchronized (this.lock) {
			return busy(drainQuote(this.waiting, this.backlog.elsewhere()));
		}
	}

	private static UpstreamBusy busy(long drainNanos) {
		long seconds = TimeUnit.NANOSECONDS.toSeconds(drainNanos) + ((drainNanos % 1_000_000_000L > 0) ? 1 : 0);
		return new UpstreamBusy(Duration.ofSeconds(Math.max(1, seconds)));
	}

	private enum State {

		/** In its team's queue. */
		WAITING,
		/** Out of the queue; its {@code whenNext} step runs. */
		NEXT,
		/** Handed its slot; getting its request ready. */
		PREPARED,
		/** Its request waits for the gate. */
		READY,
		/** Let through; holds the gate until its request is written. */
		SENDING,
		/** Sent, refused or withdrawn. */
		DONE

	}

	/**
	 * One attempt's place in line, then its hold on the gate. State changes are guarded
	 * by the slots' lock; {@link #sent()} and {@link #end()} may be called from any
	 * thread, more than once.
	 */
	final class Slot {

		private final String team;

		private final int weight;

		private final MonoSink<Slot> sink;

		private final Mono<Void> whenNext;

		private final SendCheck beforeSend;

		/**
		 * When its wait ends ({@code nanoTime}): {@code max-wait} and an interval after
		 * it joined.
		 */
		private final long deadline;

		/**
		 * Completed when it is let through (for the attempt's own timeout, which starts
		 * then).
		 */
		private final Sinks.Empty<Void> wentThrough = Sinks.empty();

		private State state = State.WAITING;

		private @Nullable Disposable preparing;

		private @Nullable MonoSink<Void> gate;

		/**
		 * Why its wait was ended for it (shared gate unreachable), for a request that
		 * comes to the gate after.
		 */
		private @Nullable Throwable refusal;

		private @Nullable ScheduledFuture<?> stuck;

		/** Its number in the line of every replica (shared mode). */
		private volatile long ticket;

		/**
		 * Whether it stopped counting in the shared backlog (guarded by the slots' lock).
		 */
		private boolean leftLine;

		/** Whether {@link #sent()} was reported (guarded by the slots' lock). */
		private boolean reported;

		/**
		 * Whether its {@link SendCheck} withdrew it with the gate taken for it
		 * (dispatcher thread only).
		 */
		private boolean withdrawn;

		/**
		 * How late it was let through after the gate could have let it (dispatcher thread
		 * only).
		 */
		private long lateAtGate;

		/** When it was let through ({@code nanoTime}), 0 until then. */
		private volatile long wentThroughAt;

		/**
		 * When its request was written (wall clock, for what KeyAPI's refusal teaches).
		 */
		private volatile long sentAtMillis;

		private Slot(String team, int weight, MonoSink<Slot> sink, Mono<Void> whenNext, SendCheck beforeSend,
				long deadline) {
			this.team = team;
			this.weight = weight;
			this.sink = sink;
			this.whenNext = whenNext;
			this.beforeSend = beforeSend;
			this.deadline = deadline;
		}

		/**
		 * Waits, with the request ready to be written, for the gate.
		 * @return completes (on the dispatcher thread) when the request may be written
		 * now; or fails with {@link UpstreamBusy} when the wait reaches {@code max-wait}
		 * and an interval
		 */
		Mono<Void> letThrough() {
			return Mono.<Void>create(this::ready)
				.timeout(Duration.ofNanos(Math.max(0, this.deadline - UpstreamSlots.this.nanoTime.getAsLong())))
				.onErrorMap(TimeoutException.class, (late) -> busy());
		}

		/**
		 * How long the attempt has taken since it was let through (KeyAPI's part of it),
		 * or since {@code started} when it never was (it failed connecting).
		 */
		long nanosSinceLetThrough(long started) {
			long at = this.wentThroughAt;
			return UpstreamSlots.this.nanoTime.getAsLong() - ((at != 0) ? at : started);
		}

		/** Completes when it has been let through: an attempt's own time starts then. */
		Mono<Void> wentThrough() {
			return this.wentThrough.asMono();
		}

		/**
		 * Its request has been written to the connection: the next send may go one
		 * interval from now.
		 */
		void written() {
			reportSent(true);
		}

		/**
		 * KeyAPI has its request (it answered it), or the attempt ended before a write
		 * was seen: the next send may go one interval from now.
		 */
		void sent() {
			reportSent(false);
		}

		private void reportSent(boolean written) {
			long at = UpstreamSlots.this.nanoTime.getAsLong();
			synchronized (UpstreamSlots.this.lock) {
				if (this.reported) {
					return;
				}
				this.reported = true;
			}
			this.sentAtMillis = System.currentTimeMillis();
			onDispatcher(() -> finishSending(this, at, written));
		}

		/**
		 * The attempt is over, or was withdrawn (cancelled, timed out): it leaves the
		 * line, and a send that was let through but never reported its write frees the
		 * gate as if it had just been written.
		 */
		void end() {
			boolean wasSending = false;
			Disposable stillPreparing = null;
			synchronized (UpstreamSlots.this.lock) {
				switch (this.state) {
					case WAITING -> removeWaiting(this);
					case NEXT, PREPARED, READY -> {
						if (UpstreamSlots.this.next == this) {
							UpstreamSlots.this.next = null;
						}
						stillPreparing = this.preparing;
					}
					case SENDING -> wasSending = true;
					case DONE -> {
						return;
					}
				}
				if (!wasSending) {
					this.state = State.DONE;
				}
			}
			if (stillPreparing != null) {
				stillPreparing.dispose();
			}
			leaveLine();
			if (wasSending) {
				sent();
			}
			else {
				wake();
			}
		}

		/**
		 * Next in line: runs its {@code whenNext} step, then hands the slot over. An
		 * attempt that ends before the step starts never runs it; one that ends while it
		 * starts (before {@link #end()} could see it) has it disposed here.
		 */
		private void prepare() {
			synchronized (UpstreamSlots.this.lock) {
				if (this.state != State.NEXT) {
					return;
				}
			}
			Disposable running = this.whenNext.subscribe(null, this::failWhileNext, this::prepared);
			boolean endedMeanwhile;
			synchronized (UpstreamSlots.this.lock) {
				endedMeanwhile = this.state == State.DONE;
				if (this.state == State.NEXT) {
					this.preparing = running;
				}
			}
			if (endedMeanwhile) {
				running.dispose();
			}
		}

		private void prepared() {
			synchronized (UpstreamSlots.this.lock) {
				if (this.state != State.NEXT) {
					return;
				}
				this.state = State.PREPARED;
			}
			this.sink.success(this);
		}

		private void ready(MonoSink<Void> gate) {
			synchronized (UpstreamSlots.this.lock) {
				if (this.state != State.PREPARED) {
					Throwable refused = (this.refusal != null) ? this.refusal
							: new IllegalStateException("Not this attempt's turn at the gate: " + this.state);
					onDispatcher(() -> gate.error(refused));
					return;
				}
				this.state = State.READY;
				this.gate = gate;
			}
			wake();
		}

		/**
		 * Dispatcher thread only, with the gate taken for it: the last moment before its
		 * request is written. The check's own time is not counted as the send's lag (it
		 * is let through after it), so a quick check never makes a write land early.
		 */
		private void goThrough() {
			MonoSink<Void> waiting = this.gate;
			try {
				this.beforeSend.confirm();
			}
			catch (RuntimeException refused) {
				this.withdrawn = true;
				if (waiting != null) {
					waiting.error(new SendWithdrawn(refused));
				}
				return;
			}
			this.wentThroughAt = UpstreamSlots.this.nanoTime.getAsLong();
			this.wentThrough.tryEmitEmpty();
			if (waiting != null) {
				waiting.success();
			}
		}

		private void failWhileNext(Throwable failure) {
			synchronized (UpstreamSlots.this.lock) {
				if (this.state != State.NEXT) {
					return;
				}
				this.state = State.DONE;
				if (UpstreamSlots.this.next == this) {
					UpstreamSlots.this.next = null;
				}
			}
			leaveLine();
			fail(failure);
			wake();
		}

		private void fail(Throwable failure) {
			this.sink.error(failure);
		}

		/**
		 * With the lock held: ends the wait with a failure, wherever it is waiting (sinks
		 * are completed by the reactor's own ordering, never reentrantly into the slots:
		 * their subscribers only get the error).
		 */
		private void refuse(Throwable failure) {
			State was = this.state;
			this.state = State.DONE;
			this.refusal = failure;
			if (was == State.WAITING || was == State.NEXT) {
				onDispatcher(() -> fail(failure));
			}
			else if (was == State.READY && this.gate != null) {
				MonoSink<Void> waiting = this.gate;
				onDispatcher(() -> waiting.error(failure));
			}
		}

		/** It no longer counts in the shared backlog; once. */
		private void leaveLine() {
			synchronized (UpstreamSlots.this.lock) {
				if (this.leftLine) {
					return;
				}
				this.leftLine = true;
			}
			UpstreamSlots.this.backlog.left();
		}

	}

}
