package com.acme.keyapiproxy.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code of an error known only by its status (Spring's and Tomcat's own refusals): the
 * contract's, as {@link DocumentedProblem} lists it, where the status has one; else the
 * status's name.
 */
class ProblemCodeTests {

	@ParameterizedTest
	@CsvSource({ "400, invalid_request", "401, unauthenticated", "404, not_found", "405, method_not_allowed",
			"406, not_acceptable", "413, request_too_large", "414, request_too_large", "431, request_too_large",
			"500, internal_error", "505, http_version_not_supported", "403, forbidden", "415, unsupported_media_type",
			"429, too_many_requests", "502, bad_gateway", "503, service_unavailable", "504, gateway_timeout",
			"599, http_599" })
	void aStatusAloneGivesTheDocumentedCodeElseItsName(int status, String code) {
		assertThat(Problem.codeFor(status)).isEqualTo(code);
		assertThat(Problem.forStatus(status).code()).isEqualTo(code);
	}

}
