package com.acme.keyapiproxy.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Boot's error path, where Tomcat forwards an error that no handler answered (a
 * {@code TRACE}, which the connector refuses, or an exception out of a filter), as a
 * problem in place of Boot's {@code {"timestamp","status","error","path"}}. Being an
 * {@link ErrorController}, it replaces Boot's.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

	private final JsonMapper json;

	ProblemErrorController(JsonMapper json) {
		this.json = json;
	}

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<byte[]> error(HttpServletRequest request) {
		int status = (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) ? code : 500;
		Problem problem = Problem.forStatus((status < 400) ? 500 : status);
		return ResponseEntity.status(problem.status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(this.json.writeValueAsBytes(problem));
	}

}
