import { latencyQuantileMs } from "../observability/latency-histogram.js";
import {
  addTrafficBucket,
  createTrafficBucket,
  type TrafficBucket,
} from "../observability/traffic-bucket.js";
import type { TrafficSecond } from "../observability/traffic-recorder.js";
import type { TrafficPoint } from "./console-wire.js";

interface Slot {
  t: number;
  routes: Map<string, TrafficBucket>;
}

/**
 * The gateway's traffic of the last `seconds` seconds, per route and second, merged from every worker's
 * reports: a fixed ring of slots, each reused when its second comes round again, so memory is bounded by the
 * ring's length times the routes that had traffic (a few hundred bytes per route and second).
 */
export class TrafficHistory {
  private readonly slots: Slot[];

  constructor(readonly seconds: number) {
    this.slots = Array.from({ length: seconds }, () => ({ t: -1, routes: new Map() }));
  }

  /** Adds a worker's second; seconds older than the ring (a very late report) are dropped. */
  add(second: TrafficSecond, nowSeconds: number): void {
    if (second.t <= nowSeconds - this.seconds || second.t > nowSeconds + 1) return;
    const slot = this.slots[second.t % this.seconds] as Slot;
    if (slot.t !== second.t) {
      slot.t = second.t;
      slot.routes = new Map();
    }
    for (const [route, bucket] of Object.entries(second.routes)) {
      let merged = slot.routes.get(route);
      if (merged === undefined) {
        merged = createTrafficBucket();
        slot.routes.set(route, merged);
      }
      addTrafficBucket(merged, bucket);
    }
  }

  /** One bucket for a second, for one route or (null) all of them; undefined when nothing was served. */
  bucketAt(t: number, route: string | null): TrafficBucket | undefined {
    const slot = this.slots[t % this.seconds] as Slot;
    if (slot.t !== t || slot.routes.size === 0) return undefined;
    if (route !== null) return slot.routes.get(route);
    const all = createTrafficBucket();
    for (const bucket of slot.routes.values()) addTrafficBucket(all, bucket);
    return all;
  }

  /** Every second from `from` to `to` (inclusive, within the ring), zero where nothing was served. */
  points(from: number, to: number, route: string | null): TrafficPoint[] {
    const points: TrafficPoint[] = [];
    for (let t = Math.max(from, to - this.seconds + 1); t <= to; t++) {
      points.push(toPoint(t, this.bucketAt(t, route) ?? createTrafficBucket()));
    }
    return points;
  }

  /** The merged bucket of one route over the seconds `from`..`to`. */
  window(from: number, to: number, route: string): TrafficBucket {
    const total = createTrafficBucket();
    for (let t = Math.max(from, to - this.seconds + 1); t <= to; t++) {
      const bucket = this.bucketAt(t, route);
      if (bucket !== undefined) addTrafficBucket(total, bucket);
    }
    return total;
  }
}

function toPoint(t: number, bucket: TrafficBucket): TrafficPoint {
  return {
    t,
    requests: bucket.requests,
    errors: bucket.errors,
    clientErrors: bucket.clientErrors,
    playground: bucket.playground,
    tokensIn: bucket.tokensIn,
    tokensOut: bucket.tokensOut,
    p50Ms: latencyQuantileMs(bucket.latency, 0.5),
    p95Ms: latencyQuantileMs(bucket.latency, 0.95),
    p99Ms: latencyQuantileMs(bucket.latency, 0.99),
    ttftP50Ms: latencyQuantileMs(bucket.ttft, 0.5),
    ttftP95Ms: latencyQuantileMs(bucket.ttft, 0.95),
  };
}
