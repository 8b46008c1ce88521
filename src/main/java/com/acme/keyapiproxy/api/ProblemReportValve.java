package com.acme.keyapiproxy.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report, for every error no one else wrote an answer for: above all what
 * the connector refuses before any filter runs (a malformed request line or header, a
 * missing {@code Host}, an over-long request line or headers, an HTTP version it does not
 * speak). In place of Tomcat's HTML page it writes the problem every other error on the
 * port is. It sits on the host, where Tomcat looks for its error report valve
 * ({@link #replaceOn}).
 */
final class ProblemReportValve extends ErrorReportValve {

	private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);

	/**
	 * How Tomcat's HTTP/1.1 reader says the request line and headers outgrew its buffer
	 * ({@code max-http-request-header-size}): it has no exception type of its own, only
	 * this (localised) message.
	 */
	private static final String TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
		.getString("iib.requestheadertoolarge.error");

	private final JsonMapper json;

	ProblemReportValve(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Puts the valve on the host of every server the factory makes (after Boot's
	 * customizer has added its own).
	 */
	static WebServerFactoryCustomizer<TomcatServletWebServerFactory> onEveryHost(JsonMapper json) {
		return (factory) -> factory.addContextCustomizers((context) -> replaceOn((Host) context.getParent(), json));
	}

	/**
	 * Puts the valve on the host in place of any {@link ErrorReportValve} (Boot adds
	 * one), and names its class as the host's error report valve, so that the host's
	 * start does not add Tomcat's HTML one back.
	 */
	private static void replaceOn(Host host, JsonMapper json) {
		for (Valve valve : host.getPipeline().getValves()) {
			if (valve instanceof ErrorReportValve) {
				host.getPipeline().removeValve(valve);
			}
		}
		host.getPipeline().addValve(new ProblemReportValve(json));
		if (host instanceof StandardHost standardHost) {
			standardHost.setErrorReportValveClass(ProblemReportValve.class.getName());
		}
	}

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean();
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		Problem problem = problemFor(status, throwable, request);
		// What the caller sent is the caller's mistake: nothing for the operators to act
		// on.
		log.debug("Refused a request: {} {} ({})", problem.status(), problem.code(),
				(throwable != null) ? throwable.getMessage() : "no exception");
		try {
			String body = this.json.writeValueAsString(problem);
			response.setStatus(problem.status());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setContentLength(body.length());
			PrintWriter writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
			}
		}
		catch (IOException | IllegalStateException ex) {
			log.debug("Could not write the problem for a refused request", ex);
		}
	}

	private static Problem problemFor(int status, @Nullable Throwable cause, Request request) {
		if (status == 400 && cause != null && TOO_LARGE.equals(cause.getMessage())) {
			return requestLineRead(request)
					? Problem.of(431, "request_too_large",
							"The request's header fields are larger than this server " + "accepts")
					: Problem.of(414, "request_too_large",
							"The request line (method, path and query) is longer than this server accepts");
		}
		if (status == 400 && headerCountReached(request)) {
			return Problem.of(431, "request_too_large", "The request has more header fields than this server accepts");
		}
		if (status == 501) {
			// An unknown Transfer-Encoding: this API takes no request bodies, so the
			// request is simply malformed.
			return Problem.of(400, "invalid_request", "The request uses a transfer coding this server does not accept");
		}
		if (status == 505) {
			return Problem.of(505, "http_version_not_supported", "This server speaks HTTP/1.1 (and 1.0)");
		}
		return Problem.forStatus(status);
	}

	/**
	 * Whether the request line was read, so that the headers are what overflowed. Tomcat
	 * sets the request target once it has read it whole (and defaults the protocol when
	 * it fails, so that is no sign).
	 */
	private static boolean requestLineRead(Request request) {
		return !request.getCoyoteRequest().requestURI().isNull();
	}

	private static boolean headerCountReached(Request request) {
		int limit = (request.getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol)
				? protocol.getMaxHeaderCount() : -1;
		return limit >= 0 && request.getCoyoteRequest().getMimeHeaders().size() >= limit;
	}

}
