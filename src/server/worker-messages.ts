import type { GatewayConfig } from "../config/gateway-config.js";
import type { MetricsReport } from "./worker-metrics-reporter.js";

/** What the primary process tells its workers. */
export type PrimaryMessage =
  | { type: "config"; version: number; config: GatewayConfig }
  | { type: "shutdown" }
  | { type: "metrics"; requestId: number; text: string }
  /** A scrape: the worker answers with a `metrics-snapshot` carrying this id. */
  | { type: "metrics-snapshot-request"; requestId: number }
  /** The primary's health probe: answered from the worker's event loop, so a blocked loop goes unanswered. */
  | { type: "health-probe"; id: number };

/** What a worker tells the primary. */
export type WorkerMessage =
  /** Sent once the worker listens for messages: a message sent earlier (at "online") could be lost. */
  | { type: "waiting-for-config" }
  /** `url` is where the worker listens: with `--port 0` the system picks the port. */
  | { type: "ready"; version: number; url: string }
  | { type: "applied"; version: number }
  | { type: "apply-failed"; version: number; message: string }
  /** The worker cannot listen (port taken, say): starting another would fail the same way. */
  | { type: "listen-failed"; message: string }
  /** `/metrics` was asked of this worker: the primary answers with every worker's metrics. */
  | { type: "metrics-request"; requestId: number }
  /** This worker's metrics, for the primary's totals (periodic, or the answer to a scrape). */
  | MetricsReport
  | { type: "health-answer"; id: number };

const PRIMARY_TYPES = new Set(["config", "shutdown", "metrics", "metrics-snapshot-request", "health-probe"]);
const WORKER_TYPES = new Set([
  "waiting-for-config",
  "ready",
  "applied",
  "apply-failed",
  "listen-failed",
  "metrics-request",
  "metrics-snapshot",
  "health-answer",
]);

// The IPC channel also carries node:cluster's own messages: match types exactly.
export function isPrimaryMessage(value: unknown): value is PrimaryMessage {
  return (
    typeof value === "object" &&
    value !== null &&
    PRIMARY_TYPES.has((value as { type?: unknown }).type as string)
  );
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === "object" &&
    value !== null &&
    WORKER_TYPES.has((value as { type?: unknown }).type as string)
  );
}
