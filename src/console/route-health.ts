import type { GatewayConfig } from "../config/gateway-config.js";
import type { BreakerState, TargetHealth } from "./console-wire.js";

/** One worker's breaker for one target, as it reports it every second. */
export interface BreakerReport {
  route: string;
  target: string;
  state: BreakerState;
  failures: number;
  lastError: { message: string; at: number } | null;
  retryInMs: number;
}

/** A worker that has not reported for this long is gone (exited, replaced): its breakers no longer count. */
const REPORT_EXPIRY_MS = 5000;

/** Worse first: the state the console shows for a target when workers disagree. */
const SEVERITY: Record<BreakerState, number> = { open: 3, half_open: 2, recovering: 1, closed: 0 };

/**
 * The breaker state of every target, merged from the workers' reports. Breakers live in each worker (a
 * request's outcome updates its own worker's breaker at once) and share their news (routing/shared-circuits.ts:
 * an opened circuit, with the failure that opened it, and a successful probe reach every worker at once), so
 * workers disagree only briefly (a circuit counting failures, a recovering one's ramp); the merged view shows
 * the worst state and how many workers are in each, and every worker's console shows this same view.
 */
export class RouteHealth {
  private readonly reports = new Map<string, { at: number; breakers: BreakerReport[] }>();

  report(reporter: string, breakers: BreakerReport[], now: number): void {
    this.reports.set(reporter, { at: now, breakers });
  }

  /** Workers heard from recently. */
  workers(now: number): number {
    this.expire(now);
    return this.reports.size;
  }

  /** The targets of one route of the config, each with its merged breaker state. */
  targetsOf(route: GatewayConfig["routes"][number], now: number): TargetHealth[] {
    this.expire(now);
    return route.targets.map((target) => {
      const label = `${target.provider}/${target.model}`;
      const health: TargetHealth = {
        target: label,
        provider: target.provider,
        model: target.model,
        weight: target.weight,
        state: "closed",
        workers: {},
        failures: 0,
        lastError: null,
        retryInMs: 0,
      };
      for (const { breakers } of this.reports.values()) {
        for (const breaker of breakers) {
          if (breaker.route !== route.name || breaker.target !== label) continue;
          health.workers[breaker.state] = (health.workers[breaker.state] ?? 0) + 1;
          if (SEVERITY[breaker.state] > SEVERITY[health.state]) health.state = breaker.state;
          health.failures = Math.max(health.failures, breaker.failures);
          health.retryInMs = Math.max(health.retryInMs, breaker.retryInMs);
          if (
            breaker.lastError !== null &&
            (health.lastError === null || breaker.lastError.at > health.lastError.at)
          )
            health.lastError = breaker.lastError;
        }
      }
      return health;
    });
  }

  private expire(now: number): void {
    for (const [reporter, entry] of this.reports) {
      if (now - entry.at > REPORT_EXPIRY_MS) this.reports.delete(reporter);
    }
  }
}
