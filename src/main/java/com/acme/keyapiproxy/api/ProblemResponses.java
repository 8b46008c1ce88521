package com.acme.keyapiproxy.api;

import java.net.URI;
import java.time.Duration;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import com.acme.keyapiproxy.budget.BudgetExhausted;
import com.acme.keyapiproxy.budget.CreditsStillHeld;
import com.acme.keyapiproxy.budget.OrganisationBudgetExhausted;
import com.acme.keyapiproxy.livestreams.FailedAfterCharge;
import com.acme.keyapiproxy.livestreams.NotCached;
import com.acme.keyapiproxy.teams.Unauthenticated;
import com.acme.keyapiproxy.upstream.UpstreamAuthFailed;
import com.acme.keyapiproxy.upstream.UpstreamBadResponse;
import com.acme.keyapiproxy.upstream.UpstreamBusy;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;
import com.acme.keyapiproxy.upstream.UpstreamFailure;
import com.acme.keyapiproxy.upstream.UpstreamQuotaExhausted;
import com.acme.keyapiproxy.upstream.UpstreamTimedOut;
import com.acme.keyapiproxy.upstream.UpstreamUnavailable;

/**
 * Every error answer is RFC 9457 {@code application/problem+json} with a machine-readable
 * {@code code} that callers switch on. Spring's own errors (unknown path, wrong method,
 * …) get a code derived from their status.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

	@ExceptionHandler
	ResponseEntity<Object> invalidInput(InvalidInput ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.code(), ex.getMessage(), null);
	}

	/**
	 * A read of the query string that {@link PageQuery} did not make: the caller's
	 * mistake all the same.
	 */
	@ExceptionHandler
	ResponseEntity<Object> malformedQuery(InvalidParameterException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid_request", PageQuery.MALFORMED_QUERY, null);
	}

	@ExceptionHandler
	ResponseEntity<Object> unauthenticated(Unauthenticated ex) {
		ResponseEntity<Object> problem = problem(HttpStatus.UNAUTHORIZED, "unauthenticated", ex.getMessage(), null);
		return ResponseEntity.status(problem.getStatusCode())
			.headers(problem.getHeaders())
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"keyapi-proxy\"")
			.body(problem.getBody());
	}

	@ExceptionHandler
	ResponseEntity<Object> budgetExhausted(BudgetExhausted ex) {
		String code = (ex instanceof OrganisationBudgetExhausted) ? "organisation_budget_exhausted"
				: "team_budget_exhausted";
		return problem(HttpStatus.TOO_MANY_REQUESTS, code, ex.getMessage(), ex.untilNextPeriod());
	}

	/**
	 * The credits left were all held by fetches in flight for the whole of max-wait: like
	 * a slot not free in time, and soon over, so not a month-long 429.
	 */
	@ExceptionHandler
	ResponseEntity<Object> creditsStillHeld(CreditsStillHeld ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream_busy", ex.getMessage(), ex.retryAfter());
	}

	@ExceptionHandler
	ResponseEntity<Object> notCached(NotCached ex) {
		return problem(HttpStatus.GATEWAY_TIMEOUT, "not_cached", ex.getMessage(), null);
	}

	@ExceptionHandler
	ResponseEntity<Object> upstreamFailure(UpstreamFailure ex) {
		if (ex instanceof UpstreamBusy) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream_busy", ex.getMessage(), ex.retryAfter());
		}
		if (ex instanceof UpstreamUnavailable) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable", ex.getMessage(), ex.retryAfter());
		}
		if (ex instanceof UpstreamQuotaExhausted) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream_quota_exhausted", ex.getMessage(),
					ex.retryAfter());
		}
		if (ex instanceof UpstreamTimedOut) {
			return problem(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", ex.getMessage(), null);
		}
		if (ex instanceof UpstreamAuthFailed) {
			return problem(HttpStatus.BAD_GATEWAY, "upstream_auth_failed",
					"KeyAPI refused the proxy's credentials; the operators have been told", null);
		}
		UpstreamBadResponse bad = (UpstreamBadResponse) ex;
		return problem(HttpStatus.BAD_GATEWAY, "upstream_bad_response", bad.getMessage(), null);
	}

	/**
	 * Shared mode without Redis: a miss cannot be accounted for or paced, so it is not
	 * sent (README says why).
	 */
	@ExceptionHandler
	ResponseEntity<Object> sharedStateUnavailable(SharedStateUnavailable ex) {
		log.warn("Refusing a miss: {}", ex.getMessage());
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable",
				"KeyAPI cannot be called now: the proxy cannot reach the shared state that accounts for it",
				Duration.ofSeconds(1));
	}

	@ExceptionHandler
	ResponseEntity<Object> failedAfterCharge(FailedAfterCharge ex) {
		ResponseEntity<Object> problem = (ex.getCause() instanceof UpstreamFailure failure) ? upstreamFailure(failure)
				: unexpected(ex);
		HttpHeaders headers = new HttpHeaders();
		headers.putAll(problem.getHeaders());
		headers.set(AnswerHeaders.CREDITS_CHARGED, Integer.toString(ex.creditsCharged()));
		return new ResponseEntity<>(problem.getBody(), headers, problem.getStatusCode());
	}

	@ExceptionHandler
	ResponseEntity<Object> unexpected(Exception ex) {
		log.error("Unexpected failure answering a request", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The proxy failed unexpectedly", null);
	}

	/**
	 * Spring's async timeout outlasts the longest miss ({@link AsyncAnswerTimeout}), so
	 * this should never be seen; if it is, the caller hears a code of the contract.
	 */
	@Override
	protected ResponseEntity<Object> handleAsyncRequestTimeoutException(AsyncRequestTimeoutException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		log.warn("A miss outlasted the async request timeout");
		return problem(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", "KeyAPI did not answer in time", null);
	}

	/** Spring MVC's own exceptions (404, 405, 406, …) as problems with a code. */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ProblemDetail problem = (body instanceof ProblemDetail detail) ? detail
				: ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage());
		String code = Problem.codeFor(statusCode.value());
		problem.setType(URI.create(Problem.TYPE_PREFIX + code));
		problem.setProperty("code", code);
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.putAll(headers);
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return new ResponseEntity<>(problem, problemHeaders, statusCode);
	}

	static ResponseEntity<Object> problem(HttpStatus status, String code, @Nullable String detail,
			@Nullable Duration retryAfter) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(Problem.TYPE_PREFIX + code));
		problem.setProperty("code", code);
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		headers.set(AnswerHeaders.CREDITS_CHARGED, "0");
		if (retryAfter != null) {
			long seconds = Math.max(1, retryAfter.getSeconds() + ((retryAfter.getNano() > 0) ? 1 : 0));
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}
		return new ResponseEntity<>(problem, headers, status);
	}

}
