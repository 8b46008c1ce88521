package com.acme.keyapiproxy.operator;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenViewsTests {

	private final OpenViews open = new OpenViews(List.of("/actuator/health", "/actuator/prometheus"));

	@Test
	void readsOfAnOpenViewAndBelowItAreAdmitted() {
		assertThat(this.open.admit("GET", "/actuator/health")).isTrue();
		assertThat(this.open.admit("HEAD", "/actuator/health/readiness")).isTrue();
		assertThat(this.open.admit("GET", "/actuator/prometheus")).isTrue();
	}

	@Test
	void everythingElseNeedsTheOperator() {
		assertThat(this.open.admit("DELETE", "/actuator/health")).as("a write to an open view").isFalse();
		assertThat(this.open.admit("POST", "/actuator/prometheus")).isFalse();
		assertThat(this.open.admit("GET", "/actuator/credits")).isFalse();
		assertThat(this.open.admit("GET", "/actuator")).as("the index").isFalse();
		assertThat(this.open.admit("GET", "/actuator/healthdump")).as("a name that merely starts alike").isFalse();
		assertThat(this.open.admit("get", "/actuator/health")).as("methods are case-sensitive").isFalse();
	}

}
