package com.acme.keyapiproxy.api;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import com.acme.keyapiproxy.livestreams.LivestreamPages;
import com.acme.keyapiproxy.teams.Teams;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

	/** Ahead of every other filter, observation included: a hit must cost as little as the server allows. */
	@Bean
	FilterRegistrationBean<CachedPageFilter> cachedPageFilter(LivestreamPages pages, Teams teams) {
		FilterRegistrationBean<CachedPageFilter> registration = new FilterRegistrationBean<>(
				new CachedPageFilter(pages, teams));
		registration.addUrlPatterns("/influencers/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
