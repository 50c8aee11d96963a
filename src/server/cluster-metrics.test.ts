import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "../observability/metrics.js";
import { ClusterMetrics, type MetricsWorker } from "./cluster-metrics.js";
import { type MetricSnapshot, snapshotOf } from "./metric-snapshot.js";

/** A worker whose metrics are a real GatewayMetrics, answering scrapes at once (or never). */
function fakeWorker(id: number, cluster: ClusterMetrics, answers = true) {
  const metrics = new GatewayMetrics();
  const worker: MetricsWorker = {
    id,
    isConnected: () => true,
    send: (message) => {
      if (answers)
        void snapshotOf(metrics.registry).then((snapshot) =>
          cluster.receive(id, snapshot, message.requestId),
        );
    },
  };
  const serve = (count: number, inFlight = 0) => {
    metrics.requests.labels("mlflow", "chat", "mock", "200").value += count;
    metrics.requestDuration.labels("mlflow", "chat", "mock").observe(0.01);
    metrics.inFlight.labels("chat").value = inFlight;
  };
  const report = async (): Promise<MetricSnapshot[]> => snapshotOf(metrics.registry);
  return { worker, serve, report };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

const REQUESTS = 'switchyard_requests_total{api="mlflow",route="chat",provider="mock",status="200"}';
const IN_FLIGHT = 'switchyard_requests_in_flight{route="chat"}';
const DURATION_COUNT = 'switchyard_request_duration_seconds_count{api="mlflow",route="chat",provider="mock"}';

describe("ClusterMetrics", () => {
  it("sums the workers' metrics and the primary's own", async () => {
    const primary = new Registry();
    const cluster = new ClusterMetrics(() => snapshotOf(primary));
    const one = fakeWorker(1, cluster);
    const two = fakeWorker(2, cluster);
    one.serve(3, 1);
    two.serve(4, 2);
    const text = await cluster.collect([one.worker, two.worker]);
    expect(sample(text, REQUESTS)).toBe(7);
    expect(sample(text, IN_FLIGHT)).toBe(3);
    expect(sample(text, DURATION_COUNT)).toBe(2);
  });

  it("keeps a dead worker's counters and histograms and drops its gauges", async () => {
    const cluster = new ClusterMetrics(() => []);
    const one = fakeWorker(1, cluster);
    const two = fakeWorker(2, cluster);
    one.serve(3, 1);
    two.serve(4, 2);
    await cluster.collect([one.worker, two.worker]);
    cluster.workerExited(1);
    const text = await cluster.collect([two.worker]);
    expect(sample(text, REQUESTS)).toBe(7);
    expect(sample(text, DURATION_COUNT)).toBe(2);
    expect(sample(text, IN_FLIGHT)).toBe(2);
  });

  it("counts a periodic report of a worker that dies before any scrape", async () => {
    const cluster = new ClusterMetrics(() => []);
    const one = fakeWorker(1, cluster);
    one.serve(5);
    cluster.receive(1, await one.report());
    cluster.workerExited(1);
    expect(sample(await cluster.collect([]), REQUESTS)).toBe(5);
  });

  it("adds up the workers that died one after another, and never counts one twice", async () => {
    const cluster = new ClusterMetrics(() => []);
    const one = fakeWorker(1, cluster);
    const two = fakeWorker(2, cluster);
    one.serve(2);
    two.serve(3);
    cluster.receive(1, await one.report());
    cluster.receive(2, await two.report());
    cluster.workerExited(1);
    cluster.workerExited(2);
    // A report that arrives after its worker was retired is already counted.
    cluster.receive(1, await one.report());
    cluster.workerExited(1);
    expect(sample(await cluster.collect([]), REQUESTS)).toBe(5);
  });

  it("uses a worker's last report when it does not answer a scrape", async () => {
    const cluster = new ClusterMetrics(() => []);
    const silent = fakeWorker(1, cluster, false);
    silent.serve(4);
    cluster.receive(1, await silent.report());
    silent.serve(1);
    expect(sample(await cluster.collect([silent.worker]), REQUESTS)).toBe(4);
  }, 10_000);

  it("stops waiting for a worker that dies during a scrape", async () => {
    const cluster = new ClusterMetrics(() => []);
    const dying = fakeWorker(1, cluster, false);
    dying.serve(2);
    cluster.receive(1, await dying.report());
    const scrape = cluster.collect([dying.worker]);
    cluster.workerExited(1);
    expect(sample(await scrape, REQUESTS)).toBe(2);
  });
});
