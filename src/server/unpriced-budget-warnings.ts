import type { GatewayConfig } from "../config/gateway-config.js";
import { PriceTable } from "../governance/prices/price-table.js";
import { findProvider } from "../providers/registry.js";

/**
 * Budgets that cannot count a target: a route with budgets (its own, or the gateway's) whose model has no
 * price in the price table or the overrides. Not an error (the config is valid and `governance.prices.unpriced`
 * says what happens), but the user is told at load, naming the route and the model.
 */
export function unpricedBudgetWarnings(config: GatewayConfig): string[] {
  const governance = config.governance;
  const prices = new PriceTable(governance.prices);
  const policy = governance.prices.unpriced;
  const outcome =
    policy === "deny"
      ? "its calls are refused while a budget applies (unpriced: deny)"
      : policy === "default_price"
        ? "it is charged at governance.prices.default_price"
        : "its calls are not counted by the budgets (unpriced: allow_unmetered)";
  const warnings: string[] = [];
  for (const route of config.routes) {
    if (route.governance.budgets.length === 0 && governance.budgets.length === 0) continue;
    for (const target of route.targets) {
      const provider = findProvider(target.provider)?.name ?? target.provider;
      if (prices.lookup(provider, target.model, route.governance.price, target.price) !== undefined) continue;
      warnings.push(
        `route '${route.name}' has a budget, but its model ${provider}/${target.model} has no price: ${outcome}; give it a 'price:' on the route or in governance.prices.overrides`,
      );
    }
  }
  return warnings;
}
