import { addLatencyCounts, createLatencyCounts } from "./latency-histogram.js";

/**
 * What one route served in one second: plain numbers, so a bucket crosses the IPC channel as it is and buckets
 * of several workers merge by adding.
 */
export interface TrafficBucket {
  requests: number;
  /** Answers the gateway or its upstreams failed (5xx, a stream ended by an error). */
  errors: number;
  /** Requests refused as the client's own fault (4xx), and clients that left (499). */
  clientErrors: number;
  /** Requests sent by the console's playground (header `x-switchyard-source: console`). */
  playground: number;
  tokensIn: number;
  tokensOut: number;
  /** Response time of finished requests, in the buckets of latency-histogram.ts. */
  latency: number[];
  /** Time to first token of streams. */
  ttft: number[];
}

export function createTrafficBucket(): TrafficBucket {
  return {
    requests: 0,
    errors: 0,
    clientErrors: 0,
    playground: 0,
    tokensIn: 0,
    tokensOut: 0,
    latency: createLatencyCounts(),
    ttft: createLatencyCounts(),
  };
}

export function addTrafficBucket(into: TrafficBucket, from: TrafficBucket): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.clientErrors += from.clientErrors;
  into.playground += from.playground;
  into.tokensIn += from.tokensIn;
  into.tokensOut += from.tokensOut;
  addLatencyCounts(into.latency, from.latency);
  addLatencyCounts(into.ttft, from.ttft);
}
