/** Everything about KeyAPI: its properties, the client, the envelope, the vendor-error mapping, pacing, retry and circuit breaker. The only package that sees the key. */
@NullMarked
package com.acme.keyapiproxy.upstream;

import org.jspecify.annotations.NullMarked;
