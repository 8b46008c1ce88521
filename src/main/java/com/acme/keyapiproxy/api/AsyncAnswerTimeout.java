package com.acme.keyapiproxy.api;

import java.time.Duration;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import com.acme.keyapiproxy.livestreams.LivestreamPages;

/**
 * A miss is answered asynchronously. Spring's timeout for it outlasts the longest miss
 * the configuration allows, so every caller hears its miss's own outcome (a code of the
 * contract), and no miss goes on after its caller was answered.
 */
@Configuration(proxyBeanMethods = false)
class AsyncAnswerTimeout implements WebMvcConfigurer {

	private static final Duration SLACK = Duration.ofSeconds(5);

	private final Duration timeout;

	AsyncAnswerTimeout(LivestreamPages pages) {
		this.timeout = pages.longestAnswer().plus(SLACK);
	}

	@Override
	public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
		configurer.setDefaultTimeout(this.timeout.toMillis());
	}

}
