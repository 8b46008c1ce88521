/**
 * The shared credit budget: a durable ledger of what each team spent per month, and the
 * allowances it is held to.
 */
@ApplicationModule(allowedDependencies = { "teams", "sharedstate" })
@NullMarked
package com.acme.keyapiproxy.budget;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
