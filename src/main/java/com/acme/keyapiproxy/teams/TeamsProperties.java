package com.acme.keyapiproxy.teams;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The teams that share KeyAPI, as {@code proxy.teams.<name>.*}. No plain tokens in
 * configuration: only the hex SHA-256 of each team's bearer token.
 *
 * @param teams by name; empty means the proxy is open and every caller is team
 * {@value Teams#OPEN}
 */
@Validated
@ConfigurationProperties("proxy")
public record TeamsProperties(@DefaultValue Map<String, @Valid Settings> teams) {

	/**
	 * @param tokenSha256 hex SHA-256 of the team's bearer token
	 * ({@code printf %s "$TOKEN" | sha256sum})
	 * @param monthlyCredits the team's allowance per calendar month (UTC); unlimited when
	 * not set
	 * @param weight the team's share of upstream slots when several teams wait at once
	 */
	public record Settings(
			@NotNull(message = "is missing: give the hex SHA-256 of the team's token") @Pattern(
					regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits (a SHA-256)") String tokenSha256,
			@Nullable @PositiveOrZero Long monthlyCredits, @DefaultValue("1") @Positive int weight) {
	}

}
