import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sendRequest } from "../mock-upstream/index.js";
import { createConfigDirectory, mockRoutesYaml } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * The totals on /metrics survive the death of the workers that counted them: the primary keeps them, so no
 * counter or histogram ever goes down (Prometheus would read a reset) and no answered request is lost, whether
 * a worker is killed (SIGKILL, after a scrape) or shuts down on its own (SIGTERM, no scrape in between).
 */

let gateway: GatewayProcess;

beforeAll(async () => {
  const configPath = join(createConfigDirectory(), "switchyard.yaml");
  writeFileSync(configPath, mockRoutesYaml([{ name: "chat" }, { name: "slow", latencyMs: 120_000 }]));
  gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "2"]);
});
afterAll(async () => {
  await gateway?.stop("SIGKILL");
});

/** Requests on connections of their own, which node:cluster deals out to the workers in turn. */
async function sendChats(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const response = await sendRequest(`${gateway.url}/gateway/chat/invocations`, {
      body: { messages: [{ role: "user", content: `hello ${index}` }] },
    });
    expect(response.status).toBe(200);
  }
}

/** Every sample of the counters and histograms on /metrics, by series. */
async function scrapeMonotonic(): Promise<Map<string, number>> {
  const response = await sendRequest(`${gateway.url}/metrics`);
  expect(response.status).toBe(200);
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of response.text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types.set(type[1] as string, type[2] as string);
    if (line === "" || line.startsWith("#")) continue;
    const series = line.slice(0, line.lastIndexOf(" "));
    const family = series.split("{")[0]?.replace(/_(bucket|sum|count)$/, "") as string;
    const familyType = types.get(family) ?? types.get(series.split("{")[0] as string);
    if (familyType === "counter" || familyType === "histogram")
      samples.set(series, Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return samples;
}

function requestsTotal(samples: Map<string, number>): number {
  let total = 0;
  for (const [series, value] of samples) if (series.startsWith("switchyard_requests_total{")) total += value;
  return total;
}

function expectNothingWentDown(before: Map<string, number>, after: Map<string, number>): void {
  const decreased = [...before]
    .filter(([series, value]) => !((after.get(series) ?? Number.NEGATIVE_INFINITY) >= value))
    .map(([series, value]) => `${series}: ${value} -> ${after.get(series)}`);
  expect(decreased).toEqual([]);
}

function workerPids(): string[] {
  return [...gateway.output().matchAll(/"pid":(\d+),[^\n]*"msg":"Server listening/g)].map(
    (match) => match[1] as string,
  );
}

/** Stops each current worker in turn, waiting for its replacement to listen before the next. */
async function replaceEveryWorker(signal: NodeJS.Signals): Promise<void> {
  for (const pid of workerPids().slice(-2)) {
    const listening = workerPids().length;
    process.kill(Number(pid), signal);
    await vi.waitFor(() => expect(workerPids().length).toBe(listening + 1), { timeout: 15_000 });
  }
}

describe("metrics across worker deaths", () => {
  it("keeps every counter and histogram when the workers that counted are killed", async () => {
    await sendChats(12);
    const before = await scrapeMonotonic();
    expect(requestsTotal(before)).toBe(12);
    await replaceEveryWorker("SIGKILL");
    const after = await scrapeMonotonic();
    expectNothingWentDown(before, after);
    expect(requestsTotal(after)).toBe(12);
  });

  it("counts what a worker served since the last scrape when it shuts down", async () => {
    const before = await scrapeMonotonic();
    await sendChats(6);
    await replaceEveryWorker("SIGTERM");
    const after = await scrapeMonotonic();
    expectNothingWentDown(before, after);
    expect(requestsTotal(after)).toBe(requestsTotal(before) + 6);
  });

  it("drops a killed worker's requests in flight from the gauge", async () => {
    const slow = sendRequest(`${gateway.url}/gateway/slow/invocations`, {
      body: { messages: [{ role: "user", content: "take your time" }] },
      timeoutMs: 60_000,
    }).catch((error: unknown) => error);
    await vi.waitFor(async () => expect(await inFlight("slow")).toBe(1), { timeout: 10_000 });
    await replaceEveryWorker("SIGKILL");
    expect(await slow).toBeInstanceOf(Error);
    expect(await inFlight("slow")).toBe(0);
  });
});

async function inFlight(route: string): Promise<number> {
  const response = await sendRequest(`${gateway.url}/metrics`);
  const line = response.text
    .split("\n")
    .find((candidate) => candidate.startsWith(`switchyard_requests_in_flight{route="${route}"}`));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}
