import type { MetricsSource } from "../api/metrics-api.js";
import type { PrimaryMessage, WorkerMessage } from "./worker-messages.js";

const TIMEOUT_MS = 5000;

/**
 * In a worker, `/metrics` must show the whole gateway, not the one worker the request landed on: it asks the
 * primary, which collects and merges every worker's metrics.
 */
export function createMetricsFromPrimary(send: (message: WorkerMessage) => void): {
  source: MetricsSource;
  receive: (message: Extract<PrimaryMessage, { type: "metrics" }>) => void;
} {
  let nextId = 1;
  const pending = new Map<number, { resolve: (text: string) => void; timer: NodeJS.Timeout }>();
  return {
    source: () =>
      new Promise((resolve, reject) => {
        const requestId = nextId++;
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error("the primary process did not send the metrics in time"));
        }, TIMEOUT_MS);
        pending.set(requestId, { resolve, timer });
        send({ type: "metrics-request", requestId });
      }),
    receive: (message) => {
      const request = pending.get(message.requestId);
      if (request === undefined) return;
      pending.delete(message.requestId);
      clearTimeout(request.timer);
      request.resolve(message.text);
    },
  };
}
