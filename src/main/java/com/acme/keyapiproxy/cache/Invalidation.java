package com.acme.keyapiproxy.cache;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A change to cached pages that every replica must apply to its own Caffeine cache, as
 * published between them: {@code purge <userId>}, {@code purge *}, or
 * {@code supersede <userId> <instant>}.
 *
 * @param userId the influencer, {@code null} for all
 * @param supersededBefore for a supersession, the instant before which deeper pages were
 * fetched
 */
public record Invalidation(@Nullable String userId, @Nullable Instant supersededBefore) {

	public static Invalidation purged(String userId) {
		return new Invalidation(userId, null);
	}

	public static Invalidation purgedAll() {
		return new Invalidation(null, null);
	}

	public static Invalidation superseded(String userId, Instant before) {
		return new Invalidation(userId, before);
	}

	public String encoded() {
		if (this.supersededBefore != null) {
			return "supersede " + this.userId + " " + this.supersededBefore;
		}
		return "purge " + ((this.userId != null) ? this.userId : "*");
	}

	/**
	 * @throws IllegalArgumentException when the message is not an invalidation
	 */
	public static Invalidation decode(String message) {
		String[] parts = message.split(" ");
		if (parts.length == 2 && parts[0].equals("purge")) {
			return parts[1].equals("*") ? purgedAll() : purged(parts[1]);
		}
		if (parts.length == 3 && parts[0].equals("supersede")) {
			return superseded(parts[1], Instant.parse(parts[2]));
		}
		throw new IllegalArgumentException("Not an invalidation: " + message);
	}

}
