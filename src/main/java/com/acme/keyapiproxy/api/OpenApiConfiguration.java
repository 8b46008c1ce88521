package com.acme.keyapiproxy.api;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxy's own API description (served on the management port at /actuator/openapi,
 * checked in as docs/openapi.yaml): springdoc reads the controllers' annotations,
 * {@link ApiDescription} adds the rest.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI keyApiProxyApi() {
		return new OpenAPI().servers(List.of(new Server().url("/").description("the proxy's API port (8080)")))
			.info(new Info().title("keyapi-proxy")
				.version("0.1.0")
				.description(
						"KeyAPI's TikTok influencer livestream history, cached, rate-limited and accounted per team. "
								+ "Every error is RFC 9457 application/problem+json with a machine-readable code."));
	}

	@Bean
	ApiDescription apiDescription() {
		return new ApiDescription();
	}

}
