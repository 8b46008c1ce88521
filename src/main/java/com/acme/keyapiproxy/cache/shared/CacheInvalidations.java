package com.acme.keyapiproxy.cache.shared;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import com.acme.keyapiproxy.cache.Invalidation;
import com.acme.keyapiproxy.sharedstate.RedisGuard;
import com.acme.keyapiproxy.sharedstate.SharedStateUnavailable;

/**
 * The purges and supersessions every replica must apply to its own memory, published on
 * {@link RedisKeys#invalidations} as {@link Invalidation#encoded()}.
 * <p>
 * Thread-safe.
 */
final class CacheInvalidations {

	private static final Logger log = LoggerFactory.getLogger(CacheInvalidations.class);

	private final RedisTemplate<String, byte[]> redis;

	private final RedisKeys keys;

	private final RedisGuard guard;

	CacheInvalidations(RedisTemplate<String, byte[]> redis, RedisKeys keys, RedisGuard guard) {
		this.redis = redis;
		this.keys = keys;
		this.guard = guard;
	}

	/**
	 * Has every replica (this one included) apply the invalidation.
	 * @throws SharedStateUnavailable when Redis cannot be reached
	 */
	void publish(Invalidation invalidation) {
		this.guard.run("publishing a cache invalidation", () -> this.redis.convertAndSend(this.keys.invalidations(),
				invalidation.encoded().getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Has every invalidation published by a replica (this one's own included) applied
	 * here, from now on. The subscription starts in the background, retried every second
	 * while Redis cannot be reached (so a replica starts without it); once started, the
	 * container recovers it by itself.
	 */
	void subscribe(RedisMessageListenerContainer listeners, Consumer<Invalidation> apply) {
		listeners.addMessageListener((message, pattern) -> {
			try {
				apply.accept(Invalidation.decode(new String(message.getBody(), StandardCharsets.UTF_8)));
			}
			catch (IllegalArgumentException unreadable) {
				log.warn("Ignoring an unreadable cache invalidation: {}", unreadable.getMessage());
			}
		}, new ChannelTopic(this.keys.invalidations()));
		CompletableFuture.runAsync(() -> startListening(listeners));
	}

	private void startListening(RedisMessageListenerContainer listeners) {
		try {
			listeners.start();
		}
		catch (RuntimeException unreachable) {
			log.warn("Cannot subscribe to cache invalidations yet ({}); retrying", unreachable.getMessage());
			CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> startListening(listeners));
		}
	}

}
