import { Pool } from "undici";
import type { HttpCall } from "./scenarios.js";
import { percentile } from "./stats.js";

/**
 * Open-loop load at a fixed rate: requests are started on a schedule whatever the answers do (a closed loop
 * waits for answers, so a slow server is offered less load and looks faster than it is). Each request's latency
 * is timed from its scheduled start, so a generator that falls behind its schedule counts against the result
 * rather than hiding it. Connections are opened as needed (no cap), as a fleet of clients would.
 */
export interface OpenLoopResult {
  rate: number;
  /** Requests answered 200 per second of the step. */
  achieved: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** The bench process's CPU use during the step, in cores: near 1 means the generator, not the server, limits. */
  generatorCores: number;
}

/** Requests are started in batches every TICK_MS, carrying fractional requests over between ticks. */
const TICK_MS = 2;
/** A request still unanswered this long after the step's end counts as an error. */
const DRAIN_MS = 5_000;

export async function runOpenLoop(
  origin: string,
  call: HttpCall,
  options: { rate: number; durationS: number },
): Promise<OpenLoopResult> {
  const pool = new Pool(origin, { keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const request = { method: "POST" as const, path: call.path, headers: call.headers, body: call.body };
  const latencies: number[] = [];
  let errors = 0;
  let answered = 0;
  const inFlight = new Set<Promise<void>>();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const durationMs = options.durationS * 1000;
  const send = (scheduledAt: number): void => {
    const pending = pool
      .request(request)
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) {
          answered++;
          latencies.push(performance.now() - scheduledAt);
        } else errors++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = (): void => {
      const now = performance.now();
      const elapsed = Math.min(now - start, durationMs);
      const due = Math.floor((elapsed / 1000) * options.rate);
      for (; sent < due; sent++) send(start + (sent / options.rate) * 1000);
      if (now - start >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
  const requests = Math.floor(options.durationS * options.rate);
  const drained = await Promise.race([
    Promise.all(inFlight).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRAIN_MS).unref()),
  ]);
  if (!drained) errors += inFlight.size;
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - start;
  // Taken before the pool is destroyed: destroying it fails the requests still in flight, counted above.
  const result: OpenLoopResult = {
    rate: options.rate,
    achieved: answered / options.durationS,
    requests,
    errors,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    generatorCores: (cpu.user + cpu.system) / 1000 / wallMs,
  };
  await pool.destroy();
  return result;
}
