import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { HotCounter, HotGauge, HotHistogram } from "./hot-metrics.js";

describe("hot metrics", () => {
  it("writes a histogram exactly as prom-client's own histogram would", async () => {
    const hot = new Registry();
    const reference = new Registry();
    const buckets = [0.1, 0.5, 1];
    const fast = new HotHistogram("latency_seconds", "Latency.", ["route"], hot, buckets);
    const slow = new Histogram({
      name: "latency_seconds",
      help: "Latency.",
      labelNames: ["route"],
      buckets,
      registers: [reference],
    });
    for (const [route, value] of [
      ["a", 0.05],
      ["a", 0.1],
      ["a", 0.3],
      ["b", 2],
      ["a", 1],
    ] as const) {
      fast.labels(route).observe(value);
      slow.observe({ route }, value);
    }
    expect(await hot.metrics()).toBe(await reference.metrics());
  });

  it("counts counters and gauges per label combination", async () => {
    const registry = new Registry();
    const requests = new HotCounter("requests_total", "Requests.", ["route", "status"], registry);
    const inFlight = new HotGauge("in_flight", "In flight.", ["route"], registry);
    requests.labels("chat", "200").value++;
    requests.labels("chat", "200").value++;
    requests.labels("chat", "500").value++;
    inFlight.labels("chat").value++;
    inFlight.labels("chat").value--;
    const text = await registry.metrics();
    expect(text).toContain('requests_total{route="chat",status="200"} 2');
    expect(text).toContain('requests_total{route="chat",status="500"} 1');
    expect(text).toContain('in_flight{route="chat"} 0');
    expect(text).toContain("# TYPE requests_total counter");
  });

  it("starts again from nothing after reset", async () => {
    const registry = new Registry();
    const requests = new HotCounter("requests_total", "Requests.", ["route"], registry);
    requests.labels("chat").value++;
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('route="chat"');
  });
});
