import type { GatewayConfig } from "../config/gateway-config.js";

/** What the primary process tells its workers. */
export type PrimaryMessage =
  | { type: "config"; version: number; config: GatewayConfig }
  | { type: "shutdown" }
  | { type: "metrics"; requestId: number; text: string };

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
  | { type: "metrics-request"; requestId: number };

const PRIMARY_TYPES = new Set(["config", "shutdown", "metrics"]);
const WORKER_TYPES = new Set([
  "waiting-for-config",
  "ready",
  "applied",
  "apply-failed",
  "listen-failed",
  "metrics-request",
]);

// The IPC channel also carries other protocols' messages (prom-client's metric aggregation): match types exactly.
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
