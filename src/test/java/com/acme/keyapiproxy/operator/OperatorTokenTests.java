package com.acme.keyapiproxy.operator;

import org.junit.jupiter.api.Test;

import com.acme.keyapiproxy.operator.OperatorToken.Verdict;
import com.acme.keyapiproxy.support.Operator;

import static org.assertj.core.api.Assertions.assertThat;

class OperatorTokenTests {

	private final OperatorToken configured = new OperatorToken(new OperatorProperties(Operator.TOKEN_SHA256));

	@Test
	void theTokenWhoseHashIsConfiguredIsTheOperators() {
		assertThat(this.configured.check("Bearer " + Operator.TOKEN)).isEqualTo(Verdict.OPERATOR);
		assertThat(this.configured.check("BEARER  " + Operator.TOKEN + " ")).isEqualTo(Verdict.OPERATOR);
		assertThat(new OperatorToken(new OperatorProperties(Operator.TOKEN_SHA256.toUpperCase()))
			.check("Bearer " + Operator.TOKEN)).as("hex digits in either case").isEqualTo(Verdict.OPERATOR);
	}

	@Test
	void anyOtherHeaderIsNot() {
		assertThat(this.configured.check(null)).isEqualTo(Verdict.NO_TOKEN);
		assertThat(this.configured.check("Bearer ")).isEqualTo(Verdict.NO_TOKEN);
		assertThat(this.configured.check("Basic " + Operator.TOKEN)).isEqualTo(Verdict.NO_TOKEN);
		assertThat(this.configured.check("Bearer " + Operator.TOKEN + "x")).isEqualTo(Verdict.NOT_THE_OPERATORS);
		assertThat(this.configured.check("Bearer " + Operator.TOKEN_SHA256)).as("the hash is not the token")
			.isEqualTo(Verdict.NOT_THE_OPERATORS);
	}

	@Test
	void withNoHashConfiguredNoTokenIsTheOperators() {
		assertThat(new OperatorToken(new OperatorProperties(null)).check("Bearer " + Operator.TOKEN))
			.isEqualTo(Verdict.NONE_CONFIGURED);
	}

}
