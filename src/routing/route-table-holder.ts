import { GatewayError } from "../canonical/index.js";
import { routeAccessDenial } from "../governance/access/route-access.js";
import type { Principal } from "../governance/principal.js";
import { InFlightLimits } from "./in-flight-limits.js";
import type { Route, RouteTable } from "./route-table.js";

/**
 * The one reference to the live route table. A reload replaces it in a single assignment, so each request
 * sees either the old table or the new one, never a mix.
 */
export class RouteTableHolder {
  private readonly inFlight = new InFlightLimits();

  constructor(private table: RouteTable) {}

  /**
   * Serves one request on a route of a table for a caller: checks the caller may use the route (every ingress
   * passes here, so none can skip it), then holds the table (so a reload does not retire it under the request)
   * and a place within the route's in-flight limit until the work, a stream included, is done.
   * `principal` is the request's authenticated key (`request.principal`), null on an open gateway.
   */
  async serve<T>(
    table: RouteTable,
    route: Route,
    principal: Principal | null,
    work: () => Promise<T>,
  ): Promise<T> {
    authorize(table, route, principal);
    this.inFlight.enter(route);
    table.acquire();
    try {
      return await work();
    } finally {
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
