import type { GatewayConfig } from "../config/gateway-config.js";
import type { OwnedService } from "../coordination/coordinator.js";
import { latencyQuantileMs } from "../observability/latency-histogram.js";
import type { TrafficSecond } from "../observability/traffic-recorder.js";
import type { RoutesView, TrafficUpdate } from "./console-wire.js";
import { type BreakerReport, RouteHealth } from "./route-health.js";
import { TrafficHistory } from "./traffic-history.js";

export const CONSOLE_SERVICE = "console";

/** Seconds of traffic the console keeps: what a page gets when it connects. */
export const HISTORY_SECONDS = 600;
/** The window of a route's requests per minute, error rate and p95 on the routes page. */
const SUMMARY_SECONDS = 60;

/** Calls the console service answers. Every payload crosses the IPC channel, so all are plain data. */
export type ConsoleCall =
  | { op: "report"; reporter: string; seconds: TrafficSecond[]; breakers: BreakerReport[] }
  | { op: "routes" }
  | { op: "traffic"; route: string | null; after: number | null };

/**
 * The console's gateway-wide state, held by the owner (the primary in a cluster): the traffic history merged
 * from every worker and their breaker states. Each worker's console API reads from here, so every worker shows
 * the same view.
 */
export class ConsoleService implements OwnedService {
  readonly name = CONSOLE_SERVICE;
  private readonly history = new TrafficHistory(HISTORY_SECONDS);
  private readonly health = new RouteHealth();

  constructor(
    private config: GatewayConfig,
    private readonly now: () => number = Date.now,
  ) {}

  applyConfig(config: unknown): void {
    this.config = config as GatewayConfig;
  }

  handle(payload: unknown): RoutesView | TrafficUpdate | null {
    const call = payload as ConsoleCall;
    const now = this.now();
    switch (call.op) {
      case "report":
        for (const second of call.seconds) this.history.add(second, Math.floor(now / 1000));
        this.health.report(call.reporter, call.breakers, now);
        return null;
      case "routes":
        return this.routesView(now);
      case "traffic": {
        // The second that just ended is complete once every worker reported it (they do, just after it ends).
        const last = Math.floor(now / 1000) - 1;
        const from = call.after === null ? last - HISTORY_SECONDS + 1 : call.after + 1;
        return {
          route: call.route,
          points: this.history.points(from, last, call.route),
          routes: this.routesView(now),
        };
      }
      default:
        throw new Error(`unknown console call '${(call as { op: unknown }).op}'`);
    }
  }

  private routesView(now: number): RoutesView {
    const last = Math.floor(now / 1000) - 1;
    return {
      generatedAt: now,
      workers: this.health.workers(now),
      routes: this.config.routes.map((route) => {
        const window = this.history.window(last - SUMMARY_SECONDS + 1, last, route.name);
        return {
          name: route.name,
          type: route.type,
          strategy: route.strategy,
          targets: this.health.targetsOf(route, now),
          requestsPerMinute: window.requests,
          errorRate: window.requests === 0 ? null : window.errors / window.requests,
          p95Ms: latencyQuantileMs(window.latency, 0.95),
        };
      }),
    };
  }
}
