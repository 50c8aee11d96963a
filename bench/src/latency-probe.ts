import { Client } from "undici";
import type { HttpCall } from "./scenarios.js";

/**
 * Latency at one connection, with microsecond resolution (autocannon's histogram keeps whole milliseconds,
 * too coarse for a 0.2 ms budget): requests one after another on one keep-alive connection, each timed from
 * sending to the last byte of the body.
 */
export interface LatencySamples {
  /** Milliseconds per request. */
  samples: number[];
  failures: number;
}

export async function probeLatency(
  origin: string,
  call: HttpCall,
  options: { warmupRequests: number; durationMs: number },
): Promise<LatencySamples> {
  const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  const request = { method: "POST" as const, path: call.path, headers: call.headers, body: call.body };
  const samples: number[] = [];
  let failures = 0;
  try {
    for (let index = 0; index < options.warmupRequests; index++) {
      const response = await client.request(request);
      await response.body.dump();
    }
    const end = performance.now() + options.durationMs;
    while (performance.now() < end) {
      const start = process.hrtime.bigint();
      const response = await client.request(request);
      await response.body.arrayBuffer();
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (response.statusCode === 200) samples.push(elapsedMs);
      else failures++;
    }
  } finally {
    await client.close();
  }
  return { samples, failures };
}
