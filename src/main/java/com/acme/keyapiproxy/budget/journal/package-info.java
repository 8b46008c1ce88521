/**
 * The single instance's credit ledger: an fsync'd append-only journal of text lines, each
 * with its CRC, compacted at every start ({@link JournalCreditLedger}), which also reads
 * a ledger file for the import into shared mode. Internal to the budget package.
 */
@NullMarked
package com.acme.keyapiproxy.budget.journal;

import org.jspecify.annotations.NullMarked;
