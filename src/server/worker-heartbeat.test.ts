import type { Worker } from "node:cluster";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../observability/logger.js";
import { WorkerHealth } from "./worker-health.js";
import { sendHeartbeats } from "./worker-heartbeat.js";
import type { WorkerMessage } from "./worker-messages.js";

/**
 * A worker is judged on what it sends, not on answers to probes that may be stuck behind the primary's own
 * queue of connections for it: its heartbeats alone keep it, and a worker that sends nothing is replaced.
 */

function fakeWorker(pid: number): Worker & { killed: string[] } {
  const killed: string[] = [];
  return {
    killed,
    process: { pid, kill: (signal: string) => killed.push(signal) },
    isConnected: () => true,
    // The probes go nowhere: as when they wait behind connections the primary has not handed over yet.
    send: () => true,
  } as unknown as Worker & { killed: string[] };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("worker health", () => {
  it("keeps a worker whose heartbeats come, though no probe is answered, and replaces a silent one", () => {
    const health = new WorkerHealth(2000, createLogger("silent"));
    const beating = fakeWorker(101);
    const silent = fakeWorker(102);
    health.watch(beating);
    health.watch(silent);
    const sent: WorkerMessage[] = [];
    // The primary counts every message from a worker as an answer (primary.ts).
    sendHeartbeats(2000, (message) => {
      sent.push(message);
      health.answered(beating);
    });

    vi.advanceTimersByTime(10_000);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(beating.killed).toEqual([]);
    expect(silent.killed).toEqual(["SIGKILL"]);
    health.stop();
  });
});
