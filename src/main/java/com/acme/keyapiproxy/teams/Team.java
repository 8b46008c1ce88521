package com.acme.keyapiproxy.teams;

import org.jspecify.annotations.Nullable;

/**
 * A caller's team.
 *
 * @param name as configured ({@code proxy.teams.<name>}), or {@value Teams#OPEN}
 * @param monthlyCredits its allowance per calendar month, {@code null} when unlimited
 * @param weight its share of upstream slots when several teams wait
 */
public record Team(String name, @Nullable Long monthlyCredits, int weight) {

	static final Team OPEN = unlimited(Teams.OPEN);

	/** A team with no allowance of its own and the default share of slots. */
	public static Team unlimited(String name) {
		return new Team(name, null, 1);
	}

}
