package com.acme.keyapiproxy.teams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TeamsTests {

	private final Teams teams = new Teams(
			new TeamsProperties(Map.of("alpha", new TeamsProperties.Settings(sha256("alpha-token"), 100L, 1), "beta",
					new TeamsProperties.Settings(sha256("beta-token").toUpperCase(), null, 3))));

	@Test
	void aBearerTokenIsRecognisedByItsHash() {
		assertThat(this.teams.identify("Bearer alpha-token")).isEqualTo(new Team("alpha", 100L, 1));
		assertThat(this.teams.identify("bearer beta-token")).isEqualTo(new Team("beta", null, 3));
	}

	@Test
	void aMissingMalformedOrUnknownTokenIsUnauthenticated() {
		assertThatExceptionOfType(Unauthenticated.class).isThrownBy(() -> this.teams.identify(null));
		assertThatExceptionOfType(Unauthenticated.class).isThrownBy(() -> this.teams.identify("alpha-token"));
		assertThatExceptionOfType(Unauthenticated.class).isThrownBy(() -> this.teams.identify("Basic YWxwaGE="));
		assertThatExceptionOfType(Unauthenticated.class).isThrownBy(() -> this.teams.identify("Bearer "));
		assertThatExceptionOfType(Unauthenticated.class).isThrownBy(() -> this.teams.identify("Bearer gamma"))
			.withMessageNotContaining("gamma");
	}

	@Test
	void withNoTeamConfiguredEveryCallerIsTheDefaultTeam() {
		Teams open = new Teams(new TeamsProperties(Map.of()));

		assertThat(open.identify(null).name()).isEqualTo(Teams.OPEN);
		assertThat(open.identify("Bearer anything").name()).isEqualTo(Teams.OPEN);
	}

	@Test
	void aTeamNameThatCannotNameAMetricStopsTheStart() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new Teams(
					new TeamsProperties(Map.of("two words", new TeamsProperties.Settings(sha256("t"), null, 1)))))
			.withMessageContaining("proxy.teams.two words");
	}

	static String sha256(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
