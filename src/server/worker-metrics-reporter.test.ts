import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GatewayMetrics } from "../observability/metrics.js";
import { type MetricsReport, reportMetricsToPrimary } from "./worker-metrics-reporter.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setUp() {
  const metrics = new GatewayMetrics();
  const reports: MetricsReport[] = [];
  const reporter = reportMetricsToPrimary(metrics.registry, (report, sent) => {
    reports.push(report);
    sent?.();
  });
  return { metrics, reports, reporter };
}

const names = (report: MetricsReport | undefined) => report?.metrics.map((metric) => metric.name) ?? [];

describe("reportMetricsToPrimary", () => {
  it("reports the counters and histograms every second, and only when they changed", async () => {
    const { metrics, reports } = setUp();
    metrics.requests.labels("openai", "chat", "openai", "200").value++;
    await vi.advanceTimersByTimeAsync(1000);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.requestId).toBeUndefined();
    expect(names(reports[0])).toContain("switchyard_requests_total");
    expect(names(reports[0])).toContain("switchyard_request_duration_seconds");
    // Gauges are not read: reading the event-loop delay gauge resets it.
    expect(names(reports[0])).not.toContain("switchyard_requests_in_flight");
    expect(names(reports[0])).not.toContain("switchyard_process_event_loop_delay_p99_seconds");
    const cpuOnly = reports.length;
    await vi.advanceTimersByTimeAsync(1000);
    // Only the CPU counter may have moved in between; the request counters are as they were.
    const requestsIn = (report: MetricsReport | undefined) =>
      report?.metrics.find((metric) => metric.name === "switchyard_requests_total")?.values[0]?.value;
    expect(requestsIn(reports.at(-1))).toBe(1);
    metrics.requests.labels("openai", "chat", "openai", "200").value++;
    await vi.advanceTimersByTimeAsync(1000);
    expect(reports.length).toBeGreaterThan(cpuOnly);
    expect(requestsIn(reports.at(-1))).toBe(2);
  });

  it("answers a scrape with every metric and its request id", async () => {
    const { reports, reporter } = setUp();
    await reporter.answer(7);
    expect(reports[0]?.requestId).toBe(7);
    expect(names(reports[0])).toContain("switchyard_requests_in_flight");
    expect(names(reports[0])).toContain("switchyard_process_resident_memory_bytes");
  });

  it("reports once more when flushed, so a worker that shuts down loses nothing", async () => {
    const { metrics, reports, reporter } = setUp();
    metrics.tokens.labels("chat", "gpt", "input").value += 9;
    await reporter.flush();
    const tokens = reports[0]?.metrics.find((metric) => metric.name === "switchyard_tokens_total");
    expect(tokens?.values[0]?.value).toBe(9);
  });
});
