package com.acme.keyapiproxy.cache;

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
import org.springframework.util.unit.DataSize;

import com.acme.keyapiproxy.sharedstate.SharedStateProperties;
import com.acme.keyapiproxy.support.Eventually;
import com.acme.keyapiproxy.support.SharedModeTest;
import com.acme.keyapiproxy.support.SharedRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch leases' fencing tokens, against a real Redis: every lease of a page gets a
 * higher token than the one before, and a holder whose lease another replica took over is
 * refused both the send (its lease cannot be held) and the store of its page. Two
 * {@link SharedPages} stand for two replicas.
 */
@SharedModeTest
class FetchLeaseFencingTests {

	private static final Duration LEASE_TTL = Duration.ofMillis(300);

	private static LettuceConnectionFactory connections;

	private static StringRedisTemplate redis;

	private static SharedStateProperties properties;

	private static SharedPages replicaA;

	private static SharedPages replicaB;

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
		CacheProperties cache = new CacheProperties(Duration.ofHours(6), Duration.ofDays(7), DataSize.ofMegabytes(1));
		replicaA = new SharedPages(connections, properties, cache);
		replicaB = new SharedPages(connections, properties, cache);
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
		SharedPages.Lease first = replicaA.tryLease(page);
		assertThat(replicaB.tryLease(page)).as("held by A").isNull();
		replicaA.release(first);

		SharedPages.Lease second = replicaB.tryLease(page);
		replicaB.release(second);
		SharedPages.Lease third = replicaA.tryLease(page);

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
		SharedPages.Lease stale = replicaA.tryLease(this.key);
		Eventually.until("A's lease expires (A stopped renewing it)", Duration.ofSeconds(5),
				() -> !replicaB.isLeased(this.key));
		SharedPages.Lease current = replicaB.tryLease(this.key);

		assertThat(replicaA.hold(stale)).as("the stale holder may not send").isFalse();
		assertThat(replicaA.put(stale, page("stale"))).as("the stale holder may not store").isFalse();
		assertThat(replicaB.hold(current)).isTrue();
		assertThat(replicaB.put(current, page("current"))).isTrue();
		replicaB.release(current);
		assertThat(replicaA.hold(stale)).as("nor after the new holder is done").isFalse();
		assertThat(replicaA.put(stale, page("stale"))).isFalse();
		assertThat(replicaA.get(this.key, Instant.now()).body()).isEqualTo("current".getBytes());
	}

	@Test
	void aHolderWhoseLeaseExpiredUntakenTakesItBack() {
		PageKey page = new PageKey("7600000000000000003", 1);
		SharedPages.Lease lease = replicaA.tryLease(page);
		Eventually.until("the lease expires", Duration.ofSeconds(5), () -> !replicaB.isLeased(page));

		assertThat(replicaA.hold(lease)).as("nobody took it: nobody else fetches the page").isTrue();
		assertThat(replicaB.tryLease(page)).as("held again").isNull();
		assertThat(replicaA.put(lease, page("mine"))).isTrue();
	}

	private static StoredPage page(String body) {
		return new StoredPage(List.of(), null, Instant.now(), body.getBytes(), "\"" + body + "\"", false);
	}

}
