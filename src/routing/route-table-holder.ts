import type { GovernedCall } from "../governance/governed-call.js";
import type { Governor } from "../governance/governor.js";
import { InFlightLimits } from "./in-flight-limits.js";
import type { Route, RouteTable } from "./route-table.js";

/**
 * The one reference to the live route table. A reload replaces it in a single assignment, so each request
 * sees either the old table or the new one, never a mix.
 */
export class RouteTableHolder {
  private readonly inFlight = new InFlightLimits();

  constructor(
    private table: RouteTable,
    /** Limits, budgets and usage accounting; without one (unit tests), nothing is limited or settled. */
    readonly governor?: Governor,
  ) {}

  /**
   * Serves one request on a route of a table: holds the table (so a reload does not retire it under the request)
   * and a place within the route's in-flight limit until the work, a stream included, is done. Every ingress
   * passes here, so every request is governed the same way: admitted against every limit that applies before
   * the work starts (a refusal throws the 429 before any upstream call), settled with its real usage after.
   */
  async serve<T>(table: RouteTable, route: Route, work: () => Promise<T>, call: GovernedCall): Promise<T> {
    this.inFlight.enter(route);
    table.acquire();
    let failed = true;
    call.priceVersion = table.governance.prices.version;
    try {
      await this.governor?.admit(table.governance, route.governance, route.operation, route.targets, call);
      const result = await work();
      failed = false;
      return result;
    } finally {
      this.governor?.settle(call, failed);
      table.release();
      this.inFlight.leave(route);
    }
  }

  get current(): RouteTable {
    return this.table;
  }

  swap(next: RouteTable): void {
    const previous = this.table;
    this.table = next;
    previous.retire();
  }
}
