import { GatewayError } from "../canonical/index.js";
import { routeAccessDenial } from "../governance/access/route-access.js";
import type { GovernedCall } from "../governance/governed-call.js";
import type { Governor } from "../governance/governor.js";
import type { Principal } from "../governance/principal.js";
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
   * Serves one request on a route of a table for a caller: checks the caller may use the route (every ingress
   * passes here, so none can skip it), then holds the table (so a reload does not retire it under the request)
   * and a place within the route's in-flight limit until the work, a stream included, is done. Every request
   * is governed the same way: admitted against every limit that applies to the route and the caller (the key,
   * its group and org) before the work starts (a refusal throws the 429 before any upstream call), settled
   * with its real usage after. `principal` is the request's authenticated key (`request.principal`), null on
   * an open gateway.
   */
  async serve<T>(
    table: RouteTable,
    route: Route,
    principal: Principal | null,
    work: () => Promise<T>,
    call: GovernedCall,
  ): Promise<T> {
    authorize(table, route, principal);
    call.request.principal = principal ?? undefined;
    this.inFlight.enter(route);
    table.acquire();
    let failed = true;
    call.priceVersion = table.governance.prices.version;
    try {
      const admission = this.governor?.admit(
        table.governance,
        route.governance,
        route.operation,
        route.targets,
        call,
      );
      if (admission !== undefined) {
        // The limits engine could not decide in this worker and asked its store (the owner's ledger, or
        // Redis): the wait is the request's queue time (its own work, collecting its limits, is done by now).
        const asked = performance.now();
        try {
          await admission;
        } finally {
          call.queueMs = performance.now() - asked;
        }
      }
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

/** The route-level check of access control; authentication itself happened before the body was read. */
function authorize(table: RouteTable, route: Route, principal: Principal | null): void {
  if (principal === null) {
    // The request hook refuses keyless calls first; this keeps an ingress that bypassed it from serving anyway.
    if (table.authRequired)
      throw new GatewayError(
        "missing_api_key",
        "Missing gateway key: this gateway requires one for every route.",
      );
    return;
  }
  const denial = routeAccessDenial(principal, route.name, route.targetModels);
  if (denial !== undefined) throw denial;
}
