package com.acme.keyapiproxy.api;

import java.math.BigDecimal;
import java.util.Set;

import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Schema;

/**
 * OpenAPI 3.1 schema objects for the parts of the description built in code rather than
 * from annotations.
 */
final class Schemas {

	private Schemas() {
	}

	static Schema<Object> string() {
		return of("string");
	}

	static Schema<Object> integer() {
		return of("integer");
	}

	static Schema<Object> integerFrom(long minimum) {
		return of("integer").minimum(BigDecimal.valueOf(minimum));
	}

	static Schema<Object> integerBetween(long minimum, long maximum) {
		return integerFrom(minimum).maximum(BigDecimal.valueOf(maximum));
	}

	static Schema<Object> object() {
		return of("object");
	}

	static Schema<Object> ref(String componentName) {
		return new Schema<>().specVersion(SpecVersion.V31).$ref("#/components/schemas/" + componentName);
	}

	static Schema<Object> allOf(Schema<?>... parts) {
		Schema<Object> all = new Schema<>().specVersion(SpecVersion.V31);
		for (Schema<?> part : parts) {
			all.addAllOfItem(part);
		}
		return all;
	}

	/**
	 * In OpenAPI 3.1 the type is a set (JSON Schema 2020-12); {@code type} alone is not
	 * written.
	 */
	private static Schema<Object> of(String type) {
		return new Schema<>().specVersion(SpecVersion.V31).types(Set.of(type));
	}

}
