package com.acme.keyapiproxy.operator;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * {@link OperatorAccessFilter} in front of the actuator, in whichever context serves it.
 * Filters of the application's context never see the management server's requests when
 * {@code management.server.port} differs (as deployed): Boot runs that server from a
 * child context of its own, and loads this class into it from
 * {@code META-INF/spring/…ManagementContextConfiguration.imports} (into the application's
 * context when the ports are the same). Component scanning must not pick it up
 * ({@code KeyApiProxyApplication} excludes it): it would put the filter on the API port.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
class OperatorAccessConfiguration {

	@Bean
	FilterRegistrationBean<OperatorAccessFilter> operatorAccessFilter(PathMappedEndpoints endpoints,
			OperatorToken operatorToken, JsonMapper json) {
		FilterRegistrationBean<OperatorAccessFilter> registration = new FilterRegistrationBean<>(
				new OperatorAccessFilter(new OpenViews(endpoints), operatorToken, json));
		registration.addUrlPatterns(endpoints.getBasePath() + "/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
