import { isMonotonic, type MetricSnapshot } from "./metric-snapshot.js";

type Aggregation = typeof import("./metric-aggregation.js");
let aggregation: Promise<Aggregation> | undefined;
/** prom-client's aggregation, loaded when first needed (a scrape, a worker's exit). */
const loadAggregation = (): Promise<Aggregation> => {
  aggregation ??= import("./metric-aggregation.js");
  return aggregation;
};

/** How long a scrape waits for a worker's answer before using the last report it sent. */
const ANSWER_TIMEOUT_MS = 2000;

/** A worker as far as metrics go: cluster's Worker, or a stand-in in tests. */
export interface MetricsWorker {
  id: number;
  isConnected(): boolean;
  send(message: { type: "metrics-snapshot-request"; requestId: number }): void;
}

/**
 * The primary's account of every worker's metrics, which stays true when workers die. Each worker reports its
 * counters and histograms every second (worker-metrics-reporter.ts) and answers every scrape with all its
 * metrics; the primary keeps the latest report of each. When a worker exits, its last counters and histograms
 * are added to the totals of retired workers, so the sums served on `/metrics` never go down (Prometheus would
 * read a counter reset, and `rate()` would spike) and series never multiply by worker. Gauges of a dead worker
 * (in flight, memory) go with it. What a worker counted after its last report is lost only if it is killed
 * (SIGKILL, a crash); a worker that shuts down reports once more first. Reports are kept as they came (plain
 * data); prom-client, which adds them up, is loaded by the first scrape or the first worker's exit.
 */
export class ClusterMetrics {
  private readonly latest = new Map<number, MetricSnapshot[]>();
  /** Workers whose counts are in `retired`: a late report of theirs must not count them again. */
  private readonly gone = new Set<number>();
  private retired: MetricSnapshot[] = [];
  /** Last reports of exited workers not yet added to `retired` (while the aggregation loads). */
  private retiring: MetricSnapshot[][] = [];
  private nextRequestId = 1;
  /** Scrapes waiting for answers: request id -> the workers still to answer, and what to call when none is. */
  private readonly waiting = new Map<number, { workers: Set<number>; done: () => void }>();

  /** `primary`: the primary's own metrics, added to every scrape. */
  constructor(private readonly primary: () => MetricSnapshot[] | Promise<MetricSnapshot[]>) {}

  /** A worker's report: periodic (counters and histograms), or its answer to a scrape (everything). */
  receive(workerId: number, metrics: MetricSnapshot[], requestId?: number): void {
    if (!this.gone.has(workerId)) this.latest.set(workerId, metrics);
    if (requestId !== undefined) this.answered(requestId, workerId);
  }

  /** Keeps what the worker counted: its last report's counters and histograms join the retired totals. */
  workerExited(workerId: number): void {
    const last = this.latest.get(workerId);
    this.latest.delete(workerId);
    this.gone.add(workerId);
    if (last !== undefined) {
      this.retiring.push(last.filter(isMonotonic));
      // Should the aggregation fail to load, the reports stay in `retiring` and the next scrape reports the error.
      this.foldRetiring().catch(() => {});
    }
    for (const requestId of [...this.waiting.keys()]) this.answered(requestId, workerId);
  }

  /** Adds the exited workers' last reports to the retired totals, in one synchronous step once loaded. */
  private async foldRetiring(): Promise<void> {
    const { sumSnapshots } = await loadAggregation();
    if (this.retiring.length === 0) return;
    this.retired = sumSnapshots([this.retired, ...this.retiring]);
    this.retiring = [];
  }

  /** Asks every connected worker for its metrics and serves the sum of all, retired workers and primary included. */
  async collect(workers: readonly MetricsWorker[]): Promise<string> {
    const requestId = this.nextRequestId++;
    const asked = workers.filter((worker) => worker.isConnected());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.finish(requestId), ANSWER_TIMEOUT_MS);
      this.waiting.set(requestId, {
        workers: new Set(asked.map((worker) => worker.id)),
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      for (const worker of asked) worker.send({ type: "metrics-snapshot-request", requestId });
      if (asked.length === 0) this.finish(requestId);
    });
    const [{ renderSnapshots }, primary] = await Promise.all([loadAggregation(), this.primary()]);
    return renderSnapshots([this.retired, ...this.retiring, ...this.latest.values(), primary]);
  }

  private answered(requestId: number, workerId: number): void {
    const scrape = this.waiting.get(requestId);
    if (scrape === undefined) return;
    scrape.workers.delete(workerId);
    if (scrape.workers.size === 0) this.finish(requestId);
  }

  private finish(requestId: number): void {
    const scrape = this.waiting.get(requestId);
    this.waiting.delete(requestId);
    scrape?.done();
  }
}
