package com.acme.keyapiproxy.upstream;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/** A single instance's {@link LearnedLimits}: one atomic reference. */
final class LocalLearnedLimits implements LearnedLimits {

	private final AtomicReference<@Nullable LearnedLimit> learned = new AtomicReference<>();

	@Override
	public @Nullable LearnedLimit read() {
		return this.learned.get();
	}

	@Override
	public boolean replace(@Nullable LearnedLimit expected, @Nullable LearnedLimit next) {
		return this.learned.compareAndSet(expected, next);
	}

}
