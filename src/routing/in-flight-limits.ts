import { GatewayError } from "../canonical/index.js";
import type { Route } from "./route-table.js";

/**
 * Per-route counts of requests being served, for routes with `max_in_flight`. Kept by route name across
 * reloads, so requests still running on a retired table keep counting against the route.
 */
export class InFlightLimits {
  private readonly counts = new Map<string, number>();

  /** Admits a request or refuses it with a 503 and Retry-After; pair an admission with `leave`. */
  enter(route: Route): void {
    const count = this.counts.get(route.name) ?? 0;
    if (route.maxInFlight !== null && count >= route.maxInFlight) {
      throw new GatewayError(
        "overloaded",
        `Route '${route.name}' is serving its limit of ${route.maxInFlight} requests at once; retry shortly.`,
        { retryAfterSeconds: 1 },
      );
    }
    this.counts.set(route.name, count + 1);
  }

  leave(route: Route): void {
    const count = (this.counts.get(route.name) ?? 1) - 1;
    if (count <= 0) this.counts.delete(route.name);
    else this.counts.set(route.name, count);
  }
}
