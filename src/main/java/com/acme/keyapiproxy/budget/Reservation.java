package com.acme.keyapiproxy.budget;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One credit set aside for one miss: held while the miss waits in line
 * ({@link Budget#reserve}), spent durably just before KeyAPI is called
 * ({@link Budget#spend}), then settled once with what KeyAPI charged
 * ({@link Budget#settle}). Thread-safe: each step happens at most once, and a reservation
 * settled before it was spent cannot be spent.
 */
public final class Reservation {

	private final CreditLedger.Hold hold;

	private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.HELD);

	Reservation(CreditLedger.Hold hold) {
		this.hold = hold;
	}

	public String team() {
		return this.hold.team();
	}

	CreditLedger.Hold hold() {
		return this.hold;
	}

	/**
	 * @return whether this call moved it from held to spent
	 */
	boolean markSpent() {
		return this.stage.compareAndSet(Stage.HELD, Stage.SPENT);
	}

	boolean isSettled() {
		return this.stage.get() == Stage.SETTLED;
	}

	/**
	 * @return the stage it was in, {@link Stage#SETTLED} when it was settled before
	 */
	Stage markSettled() {
		return this.stage.getAndSet(Stage.SETTLED);
	}

	enum Stage {

		HELD, SPENT, SETTLED

	}

}
