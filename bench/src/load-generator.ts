import autocannon from "autocannon";
import type { HttpCall } from "./scenarios.js";

/**
 * One autocannon run (closed loop: each connection sends its next request when the previous answer ends).
 * It runs in the bench process, which is pinned to the load core and does nothing else meanwhile.
 */
export interface LoadResult {
  requestsPerSecond: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  durationS: number;
  /** Latency percentiles in ms as autocannon reports them (whole milliseconds). */
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export async function runLoad(
  origin: string,
  call: HttpCall,
  options: { connections: number; durationS: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${origin}${call.path}`,
    connections: options.connections,
    duration: options.durationS,
    method: "POST",
    headers: call.headers,
    body: call.body,
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationS: result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
