package com.acme.keyapiproxy.teams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Who is asking: a bearer token to its team, by the token's SHA-256 compared in constant
 * time against every configured hash (all of them, every time, so the answer's timing
 * says nothing about which one nearly matched). Tokens are never stored, logged or
 * echoed. With no team configured the proxy is open and every caller is team
 * {@value #OPEN}.
 * <p>
 * Thread-safe and immutable.
 */
@Component
public class Teams {

	public static final String OPEN = "default";

	private static final Logger log = LoggerFactory.getLogger(Teams.class);

	private static final String BEARER = "bearer ";

	private final List<Known> known;

	public Teams(TeamsProperties properties) {
		properties.teams()
			.keySet()
			.stream()
			.filter((name) -> !name.matches("[A-Za-z0-9_.-]{1,64}"))
			.findFirst()
			.ifPresent((name) -> {
				throw new IllegalStateException("proxy.teams." + name + ": a team name is 1 to 64 letters, digits, "
						+ "'_', '.' or '-' (it names the team in metrics, logs and the ledger)");
			});
		this.known = properties.teams()
			.entrySet()
			.stream()
			.map((entry) -> new Known(
					new Team(entry.getKey(), entry.getValue().monthlyCredits(), entry.getValue().weight()),
					HexFormat.of().parseHex(entry.getValue().tokenSha256())))
			.toList();
		if (this.known.isEmpty()) {
			log.warn("No team is configured (proxy.teams.<name>.token-sha256): the proxy is open, every caller is "
					+ "team '{}' and shares one allowance", OPEN);
		}
		else {
			log.info("{} teams configured: {}", this.known.size(), names());
		}
	}

	/**
	 * The team a request's {@code Authorization} header belongs to.
	 * @throws Unauthenticated when teams are configured and the header holds no known
	 * bearer token
	 */
	public Team identify(@Nullable String authorization) {
		if (this.known.isEmpty()) {
			return Team.OPEN;
		}
		if (authorization == null || authorization.length() <= BEARER.length()
				|| !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
			throw new Unauthenticated("This proxy needs 'Authorization: Bearer <team token>'");
		}
		byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
		Team match = null;
		for (Known team : this.known) {
			if (MessageDigest.isEqual(team.tokenSha256(), presented)) {
				match = team.team();
			}
		}
		if (match == null) {
			throw new Unauthenticated("The bearer token belongs to no team");
		}
		return match;
	}

	/** Every team a caller can be, {@value #OPEN} when the proxy is open. */
	public Collection<Team> all() {
		return this.known.isEmpty() ? List.of(Team.OPEN) : this.known.stream().map(Known::team).toList();
	}

	private List<String> names() {
		return this.known.stream().map((k) -> k.team().name()).sorted().toList();
	}

	private static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	private record Known(Team team, byte[] tokenSha256) {
	}

}
