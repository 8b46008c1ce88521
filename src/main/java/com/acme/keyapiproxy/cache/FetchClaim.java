package com.acme.keyapiproxy.cache;

/**
 * A load's claim to fetch its page, to be confirmed right before its request goes to
 * KeyAPI: a replica stopped (a long GC, a frozen VM) past its lease may find that another
 * replica has taken the page over meanwhile, and must then not send it.
 */
@FunctionalInterface
public interface FetchClaim {

	/**
	 * The claim of a single instance, or of any load nobody else can take over: always
	 * held.
	 */
	FetchClaim UNCONTESTED = () -> {
	};

	/**
	 * Returns when the claim still holds, renewed.
	 * @throws FetchTakenOver when another replica has taken the page's fetch over: do not
	 * send it, the page is being fetched there (the lookup's future gets that replica's
	 * page)
	 * @throws com.acme.keyapiproxy.sharedstate.SharedStateUnavailable when Redis cannot
	 * tell
	 */
	void confirmHeld();

}
