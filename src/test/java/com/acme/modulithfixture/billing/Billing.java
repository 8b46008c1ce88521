package com.acme.modulithfixture.billing;

import com.acme.modulithfixture.inventory.Inventory;
import com.acme.modulithfixture.orders.Orders;

/**
 * Uses inventory's API, which is allowed, and orders' API, which its
 * {@code allowedDependencies} do not list.
 */
public class Billing {

	private final Inventory inventory = new Inventory();

	private final Orders orders = new Orders();

	public boolean billable(String item) {
		return this.orders.canOrder(item) && this.inventory.available(item) > 0;
	}

}
