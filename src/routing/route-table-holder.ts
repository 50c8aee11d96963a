import type { RouteTable } from "./route-table.js";

/**
 * The one reference to the live route table. A reload replaces it in a single assignment, so each request
 * sees either the old table or the new one, never a mix.
 */
export class RouteTableHolder {
  constructor(private table: RouteTable) {}

  get current(): RouteTable {
    return this.table;
  }

  swap(next: RouteTable): void {
    const previous = this.table;
    this.table = next;
    previous.retire();
  }
}
