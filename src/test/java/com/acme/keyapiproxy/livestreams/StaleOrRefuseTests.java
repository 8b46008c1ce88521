package com.acme.keyapiproxy.livestreams;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.budget.RecordedBudget;
import com.acme.keyapiproxy.budget.TeamBudgetExhausted;
import com.acme.keyapiproxy.cache.FetchTakeOvers;
import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.teams.Team;
import com.acme.keyapiproxy.upstream.UpstreamFailures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StaleOrRefuseTests {

	private static final StoredPage STALE = new StoredPage(List.of(), null, Instant.parse("2026-11-01T00:00:00Z"),
			"{}".getBytes(), "\"stale\"", false);

	@TempDir
	Path directory;

	@Test
	void keyApiFailingIsAnsweredWithTheStalePage() {
		assertThat(StaleOrRefuse.staleOrThrow(STALE, UpstreamFailures.unavailable())).isSameAs(STALE);
		assertThat(StaleOrRefuse.staleOrThrow(STALE, UpstreamFailures.badResponse())).isSameAs(STALE);
	}

	@Test
	void redisUnreachableIsAnsweredWithTheStalePage() {
		assertThat(StaleOrRefuse.staleOrThrow(STALE, new SharedStateUnavailable("leases", null))).isSameAs(STALE);
	}

	@Test
	void aFetchNobodyCanPayForIsAnsweredWithTheStalePage() {
		try (RecordedBudget ledger = RecordedBudget.open(this.directory)) {
			Team broke = new Team("broke", 0L, 1);
			TeamBudgetExhausted exhausted = catchThrowable(() -> ledger.budget().reserve(broke),
					TeamBudgetExhausted.class);
			Team one = new Team("one", 1L, 1);
			ledger.budget().reserve(one);
			CreditsStillHeld held = catchThrowable(() -> ledger.budget().reserveWithoutWaiting(one),
					CreditsStillHeld.class);

			assertThat(StaleOrRefuse.staleOrThrow(STALE, exhausted)).isSameAs(STALE);
			assertThat(StaleOrRefuse.staleOrThrow(STALE, held)).isSameAs(STALE);
		}
	}

	@Test
	void withoutAStalePageTheFailureIsTheAnswer() {
		RuntimeException failure = UpstreamFailures.unavailable();

		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> StaleOrRefuse.staleOrThrow(null, failure))
			.isSameAs(failure);
	}

	@Test
	void aFetchTakenOverIsNotHiddenBehindAStalePage() {
		RuntimeException takenOver = FetchTakeOvers.of(new PageKey("1", 1));

		assertThat(StaleOrRefuse.servesStale(takenOver)).isFalse();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> StaleOrRefuse.staleOrThrow(STALE, takenOver))
			.isSameAs(takenOver);
	}

	@Test
	void aBugIsNotHiddenBehindAStalePage() {
		RuntimeException bug = new IllegalStateException("a bug");

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> StaleOrRefuse.staleOrThrow(STALE, new CompletionException(bug)))
			.isSameAs(bug);
	}

	@Test
	void aFailureFromAFutureIsJudgedByItsCause() {
		assertThat(StaleOrRefuse.servesStale(new CompletionException(UpstreamFailures.unavailable()))).isTrue();
		assertThat(StaleOrRefuse.staleOrThrow(STALE, new CompletionException(UpstreamFailures.unavailable())))
			.isSameAs(STALE);
	}

	@Test
	void asAFutureItIsTheStalePageOrTheFailure() throws Exception {
		assertThat(StaleOrRefuse.answer(STALE, UpstreamFailures.unavailable()).get()).isSameAs(STALE);
		RuntimeException failure = UpstreamFailures.unavailable();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> StaleOrRefuse.answer(null, failure).get())
			.havingCause()
			.isSameAs(failure);
	}

	private static <T extends Throwable> T catchThrowable(Runnable call, Class<T> type) {
		try {
			call.run();
		}
		catch (Throwable thrown) {
			assertThat(thrown).isInstanceOf(type);
			return type.cast(thrown);
		}
		throw new AssertionError("Expected " + type.getSimpleName());
	}

}
