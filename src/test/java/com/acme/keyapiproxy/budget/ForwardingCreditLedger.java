package com.acme.keyapiproxy.budget;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * A ledger that hands every call to another: the tests' observing ledgers extend it and
 * override only what they watch or hold back.
 */
abstract class ForwardingCreditLedger implements CreditLedger {

	private final CreditLedger delegate;

	ForwardingCreditLedger(CreditLedger delegate) {
		this.delegate = delegate;
	}

	@Override
	public long append(String team, YearMonth period, long credits) {
		return this.delegate.append(team, period, credits);
	}

	@Override
	public void awaitDurable(long ticket) {
		this.delegate.awaitDurable(ticket);
	}

	@Override
	public HoldVerdict hold(String team, YearMonth period, List<Limit> limits) {
		return this.delegate.hold(team, period, limits);
	}

	@Override
	public void awaitSettling(HoldVerdict.AllHeld verdict, long deadlineNanos) throws InterruptedException {
		this.delegate.awaitSettling(verdict, deadlineNanos);
	}

	@Override
	public long spend(Hold hold) {
		return this.delegate.spend(hold);
	}

	@Override
	public long settle(Hold hold, boolean spent, long correction) {
		return this.delegate.settle(hold, spent, correction);
	}

	@Override
	public Map<String, Long> spentIn(YearMonth period) {
		return this.delegate.spentIn(period);
	}

	@Override
	public void close() {
		this.delegate.close();
	}

}
