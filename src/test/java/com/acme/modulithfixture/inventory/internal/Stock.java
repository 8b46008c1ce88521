package com.acme.modulithfixture.inventory.internal;

/**
 * Public to Java (the module's API uses it from another package), internal to the
 * inventory module as far as Spring Modulith is concerned: a sub-package.
 */
public class Stock {

	public int count(String item) {
		return 0;
	}

}
