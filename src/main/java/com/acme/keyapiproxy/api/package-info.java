/** Inbound HTTP: the hit filter, the controller, input rules, response headers and the RFC 9457 problem mapping. No business decisions. */
@NullMarked
package com.acme.keyapiproxy.api;

import org.jspecify.annotations.NullMarked;
