package com.acme.keyapiproxy.budget;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param monthlyCredits the whole organisation's allowance per calendar month (UTC), all
 * teams together; unlimited when not set
 * @param file where the single-instance credit ledger lives
 */
@Validated
@ConfigurationProperties("proxy.budget")
public record BudgetProperties(@Nullable @PositiveOrZero Long monthlyCredits,
		@DefaultValue("./data/credits") @NotNull Path file) {
}
