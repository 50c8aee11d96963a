import { CONSOLE_SERVICE, type ConsoleCall } from "../console/console-service.js";
import type { BreakerReport } from "../console/route-health.js";
import type { Coordinator } from "../coordination/coordinator.js";
import type { Logger } from "../observability/logger.js";
import type { TrafficRecorder } from "../observability/traffic-recorder.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";

/** Just after each second ends, so the second's requests are all counted and the owner has them early. */
const REPORT_OFFSET_MS = 50;

/**
 * Sends this process's console data to the owner once a second: the seconds of traffic that ended and the
 * state of its circuit breakers. The timer does not keep the process alive; a report the owner does not take
 * (owner busy or gone) is dropped, not retried: the console's history is a view, not an account.
 */
export function reportConsoleData(
  recorder: TrafficRecorder,
  routes: RouteTableHolder,
  coordinator: Coordinator,
  logger: Logger | undefined,
): { stop(): void } {
  const reporter = String(process.pid);
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  const report = (): void => {
    const call: ConsoleCall = {
      op: "report",
      reporter,
      seconds: recorder.drain(),
      breakers: breakerReports(routes),
    };
    coordinator.call(CONSOLE_SERVICE, call, { timeoutMs: 2000 }).then(
      () => {
        warned = false;
      },
      (error: unknown) => {
        if (!warned)
          logger?.warn({ err: error }, "the console's data could not reach the gateway's owner process");
        warned = true;
      },
    );
  };
  const schedule = (): void => {
    timer = setTimeout(
      () => {
        report();
        schedule();
      },
      1000 - (Date.now() % 1000) + REPORT_OFFSET_MS,
    );
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      clearTimeout(timer);
      // The last seconds of a stopping worker still count.
      report();
    },
  };
}

function breakerReports(routes: RouteTableHolder): BreakerReport[] {
  const now = Date.now();
  const reports: BreakerReport[] = [];
  for (const route of routes.current.routes) {
    for (const target of route.targets) {
      const breaker = target.breaker;
      reports.push({
        route: route.name,
        target: target.label,
        state: breaker.state,
        failures: breaker.consecutiveFailureCount,
        lastError: breaker.lastFailure ?? null,
        retryInMs: breaker.retryInMs(now),
      });
    }
  }
  return reports;
}
