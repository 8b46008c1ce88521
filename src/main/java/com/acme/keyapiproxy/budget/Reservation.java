package com.acme.keyapiproxy.budget;

import java.time.YearMonth;

/** One credit set aside (durably) for one miss, before KeyAPI is called; settled once the miss is over. */
public record Reservation(String team, YearMonth period) {
}
