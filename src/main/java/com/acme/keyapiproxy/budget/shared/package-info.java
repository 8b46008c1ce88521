/**
 * The credit ledger in shared mode, in Redis ({@link RedisCreditLedger}): a hash of what
 * each team spent per month, the credits in flight as sorted sets per limit, and Lua
 * scripts that check the limits and hold a credit in one atomic step across replicas; on
 * a replica's first shared start it imports the single instance's journal, once. Internal
 * to the budget package.
 */
@NullMarked
package com.acme.keyapiproxy.budget.shared;

import org.jspecify.annotations.NullMarked;
