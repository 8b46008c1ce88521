package com.acme.keyapiproxy.budget.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class JournalCreditLedgerTests {

	private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

	@TempDir
	Path directory;

	@Test
	void whatWasAddedIsThereAfterAReopenAndTheJournalIsCompacted() throws IOException {
		Path file = this.directory.resolve("nested/credits");
		try (JournalCreditLedger ledger = JournalCreditLedger.open(file)) {
			for (int i = 0; i < 5; i++) {
				ledger.add("alpha", NOVEMBER, 1, true);
			}
			ledger.add("alpha", NOVEMBER, -1, false);
			ledger.add("beta", NOVEMBER.minusMonths(1), 7, true);
		}

		try (JournalCreditLedger reopened = JournalCreditLedger.open(file)) {
			assertThat(reopened.spentIn(NOVEMBER)).containsExactlyEntriesOf(java.util.Map.of("alpha", 4L));
			assertThat(reopened.spentIn(NOVEMBER.minusMonths(1))).containsEntry("beta", 7L);
		}
		assertThat(Files.readAllLines(file)).hasSize(2);
	}

	@Test
	void aTornLastLineIsDroppedBecauseItsCallWasNeverMade() throws IOException {
		Path file = this.directory.resolve("credits");
		try (JournalCreditLedger ledger = JournalCreditLedger.open(file)) {
			ledger.add("alpha", NOVEMBER, 2, true);
		}
		Files.writeString(file, "2026-11 alpha +1 3f", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

		try (JournalCreditLedger reopened = JournalCreditLedger.open(file)) {
			assertThat(reopened.spentIn(NOVEMBER)).containsEntry("alpha", 2L);
		}
	}

	@Test
	void damageAnywhereElseStopsTheStartWithTheFileAndLineAndIsNeverReset() throws IOException {
		Path file = this.directory.resolve("credits");
		try (JournalCreditLedger ledger = JournalCreditLedger.open(file)) {
			ledger.add("alpha", NOVEMBER, 2, true);
			ledger.add("beta", NOVEMBER, 3, true);
		}
		List<String> lines = Files.readAllLines(file);
		Files.write(file, List.of(lines.get(0).replace("+2", "+9"), lines.get(1)));
		String damaged = Files.readString(file);

		assertThatIllegalStateException().isThrownBy(() -> JournalCreditLedger.open(file))
			.withMessageContaining(file.toString())
			.withMessageContaining("line 1")
			.withMessageContaining("checksum")
			.withMessageContaining("never reset");
		assertThat(Files.readString(file)).isEqualTo(damaged);
	}

	@Test
	void anUnreadableLedgerStopsTheStartWithAClearMessage() throws IOException {
		Path file = Files.createDirectories(this.directory.resolve("credits"));

		assertThatIllegalStateException().isThrownBy(() -> JournalCreditLedger.open(file))
			.withMessageContaining("cannot be read")
			.withMessageContaining(file.toString());
	}

	@Test
	void theJournalCompactsAfterItsAppendsSoItNeverGrowsWithoutBound() throws Exception {
		Path file = this.directory.resolve("compacting").resolve("credits");
		JournalCreditLedger journal = JournalCreditLedger.open(file);
		try {
			YearMonth period = YearMonth.of(2026, 11);
			for (int i = 0; i < JournalCreditLedger.COMPACT_AFTER - 1; i++) {
				journal.append("alpha", period, 1);
			}
			assertThat(Files.readAllLines(file)).as("not compacted yet").hasSize(JournalCreditLedger.COMPACT_AFTER - 1);

			journal.append("alpha", period, 1);

			assertThat(Files.readAllLines(file)).as("compacted at the %dth append", JournalCreditLedger.COMPACT_AFTER)
				.hasSize(1);
			journal.append("beta", period, 1);
			assertThat(Files.readAllLines(file)).as("appending again after compacting").hasSize(2);
		}
		finally {
			journal.close();
		}
		assertThat(JournalCreditLedger.read(file).get(YearMonth.of(2026, 11)))
			.containsExactlyInAnyOrderEntriesOf(Map.of("alpha", (long) JournalCreditLedger.COMPACT_AFTER, "beta", 1L));
	}

}
