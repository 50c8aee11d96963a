import type { GatewayConfig } from "../config/gateway-config.js";

/** What the primary process tells its workers. */
export type PrimaryMessage =
  | { type: "config"; version: number; config: GatewayConfig }
  | { type: "shutdown" };

/** What a worker tells the primary. */
export type WorkerMessage =
  /** Sent once the worker listens for messages: a message sent earlier (at "online") could be lost. */
  | { type: "waiting-for-config" }
  /** `url` is where the worker listens: with `--port 0` the system picks the port. */
  | { type: "ready"; version: number; url: string }
  | { type: "applied"; version: number }
  | { type: "apply-failed"; version: number; message: string };

export function isPrimaryMessage(value: unknown): value is PrimaryMessage {
  return typeof value === "object" && value !== null && "type" in value;
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === "object" && value !== null && "type" in value;
}
