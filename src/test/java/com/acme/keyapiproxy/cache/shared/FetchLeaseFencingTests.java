package com.acme.keyapiproxy.cache.shared;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.acme.keyapiproxy.cache.PageKey;
import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch leases' fencing tokens, against a real Redis: every lease of a page gets a
 * higher token than the one before, and a holder whose lease another replica took over is
 * refused both the send (its lease cannot be held) and the store of its page. Two
 * {@link Replica replicas} (each its leases and its page store) stand for two.
 */
@SharedModeTest
class FetchLeaseFencingTests {

	private static final Duration LEASE_TTL = Duration.ofMillis(300);

	private static LettuceConnectionFactory connections;

	private static StringRedisTemplate redis;

	private static SharedStateProperties properties;

	private static Replica replicaA;

	private static Replica replicaB;

	private final PageKey key = new PageKey("7600000000000000001", 1);

	@BeforeAll
	static void connect() {
		URI url = URI.create(SharedRedis.get().url());
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(url.getHost(), url.getPort());
		server.setPassword(SharedRedis.get().password());
		connections = new LettuceConnectionFactory(server);
		connections.afterPropertiesSet();
		connections.start();
		redis = new StringRedisTemplate(connections);
		properties = new SharedStateProperties("test-" + UUID.randomUUID() + ":", LEASE_TTL);
		replicaA = Replica.on(connections, properties);
		replicaB = Replica.on(connections, properties);
	}

	@AfterAll
	static void disconnect() {
		if (connections != null) {
			connections.destroy();
		}
	}

	@Test
	void everyLeaseOfAPageHasAHigherTokenThanTheOneBefore() {
		PageKey page = new PageKey("7600000000000000002", 1);
		FetchLease first = replicaA.leases().tryTake(page);
		assertThat(replicaB.leases().tryTake(page)).as("held by A").isNull();
		replicaA.leases().release(first);

		FetchLease second = replicaB.leases().tryTake(page);
		replicaB.leases().release(second);
		FetchLease third = replicaA.leases().tryTake(page);

		assertThat(first).isNotNull();
		assertThat(second.token()).isGreaterThan(first.token());
		assertThat(third.token()).isGreaterThan(second.token());
		assertThat(redis.opsForValue().get(properties.key("lease:7600000000000000002:1")))
			.as("the lease holds its token")
			.isEqualTo(Long.toString(third.token()));
		assertThat(redis.getExpire(properties.key("fence:7600000000000000002:1")))
			.as("the counter is kept for a while, not for ever")
			.isPositive();
	}

	@Test
	void aHolderWhoseLeaseWasTakenOverIsRefusedTheSendAndTheStore() {
		FetchLease stale = replicaA.leases().tryTake(this.key);
		Eventually.until("A's lease expires (A stopped renewing it)", Duration.ofSeconds(5),
				() -> !replicaB.leases().isTaken(this.key));
		FetchLease current = replicaB.leases().tryTake(this.key);

		assertThat(replicaA.leases().hold(stale)).as("the stale holder may not send").isFalse();
		assertThat(replicaA.store().storeFenced(stale, page("stale"))).as("the stale holder may not store").isFalse();
		assertThat(replicaB.leases().hold(current)).isTrue();
		assertThat(replicaB.store().storeFenced(current, page("current"))).isTrue();
		replicaB.leases().release(current);
		assertThat(replicaA.leases().hold(stale)).as("nor after the new holder is done").isFalse();
		assertThat(replicaA.store().storeFenced(stale, page("stale"))).isFalse();
		assertThat(replicaA.store().find(this.key, Instant.now()).body()).isEqualTo("current".getBytes());
	}

	@Test
	void aHolderWhoseLeaseExpiredUntakenTakesItBack() {
		PageKey page = new PageKey("7600000000000000003", 1);
		FetchLease lease = replicaA.leases().tryTake(page);
		Eventually.until("the lease expires", Duration.ofSeconds(5), () -> !replicaB.leases().isTaken(page));

		assertThat(replicaA.leases().hold(lease)).as("nobody took it: nobody else fetches the page").isTrue();
		assertThat(replicaB.leases().tryTake(page)).as("held again").isNull();
		assertThat(replicaA.store().storeFenced(lease, page("mine"))).isTrue();
	}

	private static StoredPage page(String body) {
		return new StoredPage(List.of(), null, Instant.now(), body.getBytes(), "\"" + body + "\"", false);
	}

	private record Replica(FetchLeases leases, RedisPageStore store) {

		static Replica on(LettuceConnectionFactory connections, SharedStateProperties properties) {
			var redis = RedisSecondLevelConfiguration.pageTemplate(connections);
			RedisKeys keys = new RedisKeys(properties);
			RedisGuard guard = RedisGuard.translatingFailures();
			Duration retention = Duration.ofHours(6).plus(Duration.ofDays(7));
			return new Replica(new FetchLeases(redis, keys, guard, properties.leaseTtl(), retention),
					new RedisPageStore(redis, keys, guard, retention));
		}

	}

}
