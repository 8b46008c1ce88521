package com.acme.keyapiproxy.operator;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import com.acme.keyapiproxy.operator.OperatorToken.Verdict;

/**
 * In front of the actuator: an {@link OpenViews open view} passes, any other request
 * passes only with the operator's bearer token. Refused: {@code 401} with a
 * {@code Bearer} challenge and an RFC 9457 problem, code {@code unauthenticated}, that
 * says what is missing (and, when no operator token is configured, which property to
 * set). The endpoint behind is never reached, so a refused purge purges nothing.
 */
final class OperatorAccessFilter extends OncePerRequestFilter {

	private static final String CHALLENGE = "Bearer realm=\"keyapi-proxy-management\"";

	private final OpenViews openViews;

	private final OperatorToken operatorToken;

	private final Map<Verdict, byte[]> refusals = new EnumMap<>(Verdict.class);

	OperatorAccessFilter(OpenViews openViews, OperatorToken operatorToken, JsonMapper json) {
		this.openViews = openViews;
		this.operatorToken = operatorToken;
		this.refusals.put(Verdict.NO_TOKEN, json.writeValueAsBytes(Problem.unauthenticated(
				"This management operation needs the operator's token: 'Authorization: Bearer <operator token>'")));
		this.refusals.put(Verdict.NOT_THE_OPERATORS,
				json.writeValueAsBytes(Problem.unauthenticated("The bearer token is not the operator's")));
		this.refusals.put(Verdict.NONE_CONFIGURED,
				json.writeValueAsBytes(Problem
					.unauthenticated("No operator token is configured, so this management operation is refused: set "
							+ OperatorToken.PROPERTY
							+ " (PROXY_OPERATOR_TOKEN_SHA256) to the hex SHA-256 of the operator's bearer token")));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
		if (this.openViews.admit(request.getMethod(), path)) {
			chain.doFilter(request, response);
			return;
		}
		Verdict verdict = this.operatorToken.check(request.getHeader(HttpHeaders.AUTHORIZATION));
		if (verdict == Verdict.OPERATOR) {
			chain.doFilter(request, response);
			return;
		}
		byte[] problem = Objects.requireNonNull(this.refusals.get(verdict),
				"The constructor prepares a refusal for every verdict but OPERATOR");
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		// RFC 6750: a token was presented and is not valid (no error code when none was
		// presented).
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
				(verdict == Verdict.NOT_THE_OPERATORS) ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(problem.length);
		response.getOutputStream().write(problem);
	}

	/**
	 * The project's problem shape (RFC 9457 with a {@code code}), as the API port answers
	 * it too.
	 */
	private record Problem(String type, String title, int status, String detail, String code) {

		static Problem unauthenticated(String detail) {
			return new Problem("urn:keyapi-proxy:problem:unauthenticated", HttpStatus.UNAUTHORIZED.getReasonPhrase(),
					HttpStatus.UNAUTHORIZED.value(), detail, "unauthenticated");
		}

	}

}
