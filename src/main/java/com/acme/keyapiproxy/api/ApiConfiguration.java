package com.acme.keyapiproxy.api;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import com.acme.keyapiproxy.livestreams.LivestreamPages;
import com.acme.keyapiproxy.teams.Teams;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

	/**
	 * Ahead of every other filter, observation included: a hit must cost as little as the
	 * server allows.
	 */
	@Bean
	FilterRegistrationBean<CachedPageFilter> cachedPageFilter(LivestreamPages pages, Teams teams) {
		FilterRegistrationBean<CachedPageFilter> registration = new FilterRegistrationBean<>(
				new CachedPageFilter(pages, teams));
		registration.addUrlPatterns("/influencers/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	/**
	 * Tomcat's own refusals (before any filter runs) as problems, in place of its HTML
	 * error page.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReportValve(JsonMapper json) {
		// Boot's customizer (order 0) adds its ErrorReportValve in a context customizer;
		// this one is added after it.
		return ProblemReportValve.onEveryHost(json);
	}

}
