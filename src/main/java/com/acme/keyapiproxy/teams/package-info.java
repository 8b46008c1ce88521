/** Who is asking: bearer token to team. */
@NullMarked
package com.acme.keyapiproxy.teams;

import org.jspecify.annotations.NullMarked;
