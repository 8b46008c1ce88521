package com.acme.keyapiproxy.budget;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.budget.journal.JournalCreditLedger;
import com.acme.keyapiproxy.budget.shared.RedisCreditLedger;
import com.acme.keyapiproxy.sharedstate.ConditionalOnSharedMode;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;

/**
 * Where credits are counted: in Redis in shared mode, else in the single instance's
 * journal file.
 */
@Configuration(proxyBeanMethods = false)
class BudgetConfiguration {

	/**
	 * On a replica's first start in shared mode, the single-instance ledger (if there is
	 * one) is imported, once.
	 */
	@Bean
	@ConditionalOnSharedMode
	CreditLedger sharedCreditLedger(StringRedisTemplate redis, SharedStateProperties shared, BudgetProperties budget) {
		return RedisCreditLedger.importingOnce(redis, shared, budget.file());
	}

	@Bean
	@ConditionalOnMissingBean(CreditLedger.class)
	CreditLedger journalCreditLedger(BudgetProperties budget) {
		return JournalCreditLedger.open(budget.file());
	}

}
