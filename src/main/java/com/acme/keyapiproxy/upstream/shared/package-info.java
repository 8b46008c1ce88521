/**
 * The upstream pacing state in shared mode, in Redis: the one send gate of every replica,
 * timed by Redis's clock ({@link SharedSendGate}), the rate KeyAPI's refusals taught
 * ({@link SharedLearnedLimits}) and every replica's line ({@link SharedUpstreamBacklog}),
 * together the {@link com.acme.keyapiproxy.upstream.SharedPacing} that
 * {@link SharedRateLimitConfiguration} makes. Internal to the upstream package.
 */
@NullMarked
package com.acme.keyapiproxy.upstream.shared;

import org.jspecify.annotations.NullMarked;
