package com.acme.keyapiproxy.budget.journal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger written by a process that is killed (SIGKILL) mid-traffic is read back whole:
 * every charge the writer acknowledged is there, and at most the one in flight is
 * over-counted.
 */
class LedgerCrashTests {

	@TempDir
	Path directory;

	@Test
	void aLedgerWrittenByAKilledProcessLosesNoAcknowledgedCharge() throws Exception {
		Path file = this.directory.resolve("credits");
		Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LedgerWriter.class.getName(), file.toString())
			.redirectErrorStream(true)
			.start();
		long acknowledged = 0;
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("charged ")) {
					acknowledged = Long.parseLong(line.substring("charged ".length()));
					if (acknowledged == 300) {
						writer.toHandle().destroyForcibly(); // SIGKILL, leaving its
																// output readable to the
																// end
					}
				}
			}
		}
		assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(acknowledged).as("charges the writer acknowledged before it was killed").isGreaterThanOrEqualTo(300);

		try (JournalCreditLedger ledger = JournalCreditLedger.open(file)) {
			long spent = ledger.spentIn(LedgerWriter.PERIOD).getOrDefault("alpha", 0L);
			assertThat(spent).as("never under-counted, over-counted by at most the reservation in flight")
				.isBetween(acknowledged, acknowledged + 1);
		}
	}

	/**
	 * The killed process: reserves credits as a miss would (durably), refunds every third
	 * one, and prints each charge it has made final, as fast as it can, until it is
	 * killed.
	 */
	public static final class LedgerWriter {

		static final YearMonth PERIOD = YearMonth.of(2026, 11);

		private LedgerWriter() {
		}

		public static void main(String[] args) {
			JournalCreditLedger ledger = JournalCreditLedger.open(Path.of(args[0]));
			long charged = 0;
			for (long miss = 1;; miss++) {
				ledger.add("alpha", PERIOD, 1, true);
				if (miss % 3 == 0) {
					ledger.add("alpha", PERIOD, -1, false);
				}
				else {
					System.out.println("charged " + (++charged));
					System.out.flush();
				}
			}
		}

	}

}
