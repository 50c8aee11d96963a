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
   * Serves one request on a route of a table: holds the table (so a reload does not retire it under the request)
   * and a place within the route's in-flight limit until the work, a stream included, is done.
   */
  async serve<T>(table: RouteTable, route: Route, work: () => Promise<T>): Promise<T> {
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
