import type { Worker } from "node:cluster";
import type { Logger } from "../observability/logger.js";

/** How often a worker is probed, and sends its heartbeat: several times per timeout, so that a worker is judged
 * on more than one missed answer. */
export function healthIntervalMs(timeoutMs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(timeoutMs / 4)));
}

/**
 * The primary's health probe of its workers. Every interval it sends each serving worker a probe over IPC,
 * which the worker answers from its event loop; each worker also sends a heartbeat on its own timer
 * (worker-heartbeat.ts), and any message from a worker counts as an answer. A worker that has sent nothing for
 * `timeoutMs` (its loop blocked by a runaway request, or the process stopped) is killed, and the primary's exit
 * handler starts a replacement. A busy worker is not: its loop still turns, so its heartbeats still come. A
 * worker is probed from the moment it serves until it is asked to stop.
 */
export class WorkerHealth {
  private readonly lastAnswer = new Map<Worker, number>();
  private nextProbe = 1;
  private readonly timer: NodeJS.Timeout;
  private readonly intervalMs: number;
  private lastTick = performance.now();

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.intervalMs = healthIntervalMs(timeoutMs);
    this.timer = setInterval(() => this.probe(), this.intervalMs);
    this.timer.unref();
  }

  /** Starts probing a worker that now serves. */
  watch(worker: Worker): void {
    this.lastAnswer.set(worker, performance.now());
  }

  /** Stops probing a worker (it exited, or is draining on shutdown). */
  forget(worker: Worker): void {
    this.lastAnswer.delete(worker);
  }

  answered(worker: Worker): void {
    if (this.lastAnswer.has(worker)) this.lastAnswer.set(worker, performance.now());
  }

  stop(): void {
    clearInterval(this.timer);
    this.lastAnswer.clear();
  }

  private probe(): void {
    const now = performance.now();
    // A tick this late means the primary's own loop was behind: the workers' messages of that time are still
    // unread, and judging them now would replace workers for the primary's delay. Judged at the next tick.
    const primaryWasBehind = now - this.lastTick > 2 * this.intervalMs;
    this.lastTick = now;
    for (const [worker, answeredAt] of this.lastAnswer) {
      if (!primaryWasBehind && now - answeredAt > this.timeoutMs) {
        this.lastAnswer.delete(worker);
        this.logger.error(
          { workerPid: worker.process.pid, timeoutMs: this.timeoutMs },
          `a worker did not answer its health probe for ${this.timeoutMs / 1000} s (setting server.worker_health_timeout_seconds); replacing it`,
        );
        worker.process.kill("SIGKILL");
      } else if (worker.isConnected()) {
        worker.send({ type: "health-probe", id: this.nextProbe++ });
      }
    }
  }
}
