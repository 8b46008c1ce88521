package com.acme.keyapiproxy.api;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The management server's Tomcat refuses malformed requests with the same problems as the
 * API's: Boot builds that server in a child context of its own
 * ({@code management.server.port} differs, as deployed), which does not apply the
 * application context's customizers, and loads this class into it from
 * {@code META-INF/spring/…ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementProblemReports {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementProblemReportValve(JsonMapper json) {
		return ProblemReportValve.onEveryHost(json);
	}

}
