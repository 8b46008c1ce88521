package com.acme.modulithfixture.orders;

import com.acme.modulithfixture.inventory.Inventory;
import com.acme.modulithfixture.inventory.internal.Stock;

/**
 * Uses inventory's API, which is allowed, and its internal {@link Stock}, which is not.
 */
public class Orders {

	private final Inventory inventory = new Inventory();

	private final Stock stock = new Stock();

	public boolean canOrder(String item) {
		return this.inventory.available(item) > 0 || this.stock.count(item) > 0;
	}

}
