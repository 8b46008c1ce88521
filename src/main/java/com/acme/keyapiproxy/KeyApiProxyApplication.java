package com.acme.keyapiproxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KeyApiProxyApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeyApiProxyApplication.class, args);
	}

}
