package com.acme.modulithfixture.inventory;

import com.acme.modulithfixture.inventory.internal.Stock;

/** The inventory module's API: what other modules may use. */
public class Inventory {

	private final Stock stock = new Stock();

	public int available(String item) {
		return this.stock.count(item);
	}

}
