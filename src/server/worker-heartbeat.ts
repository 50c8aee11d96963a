import { healthIntervalMs } from "./worker-health.js";
import type { WorkerMessage } from "./worker-messages.js";

/**
 * A serving worker tells the primary it is alive, from its event loop, several times per health timeout
 * (worker-health.ts). Sent on the worker's own timer rather than only in answer to the primary's probe: with
 * round-robin connection handoff, everything the primary sends a worker (its probe included) waits behind the
 * connections queued for it, one IPC round trip each, so under a storm of new connections a probe could arrive
 * seconds late at a worker that is idle, and the worker be replaced for the primary's backlog. What the worker
 * sends does not queue behind those.
 */
export function sendHeartbeats(healthTimeoutMs: number, send: (message: WorkerMessage) => void): void {
  const timer = setInterval(() => send({ type: "health-answer", id: 0 }), healthIntervalMs(healthTimeoutMs));
  timer.unref();
}
