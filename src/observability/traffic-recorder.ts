import { latencyBucketIndex } from "./latency-histogram.js";
import { createTrafficBucket, type TrafficBucket } from "./traffic-bucket.js";

/** One finished request, as the console counts it. */
export interface TrafficSample {
  route: string;
  status: number;
  /** Response time; undefined when the client left before the response finished. */
  elapsedMs: number | undefined;
  /** Time to the upstream's first event, for streams. */
  ttftMs: number | undefined;
  tokensIn: number;
  tokensOut: number;
  fromPlayground: boolean;
}

/** A second's buckets, by route: what a process reports to the owner of the console's history. */
export interface TrafficSecond {
  /** Unix seconds. */
  t: number;
  routes: Record<string, TrafficBucket>;
}

/** Seconds kept while the owner cannot be reached; older ones are dropped rather than grow without bound. */
const MAX_PENDING_SECONDS = 30;

/**
 * Counts this process's requests per route and second for the web console. Recording is a few additions to
 * the current second's bucket; `drain` hands over the seconds that are complete. Memory is bounded: route
 * names come from the config, and seconds not drained are dropped past MAX_PENDING_SECONDS.
 */
export class TrafficRecorder {
  private second = 0;
  private current = new Map<string, TrafficBucket>();
  private readonly complete: TrafficSecond[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(sample: TrafficSample): void {
    const bucket = this.bucketFor(sample.route);
    bucket.requests++;
    if (sample.status >= 500) bucket.errors++;
    else if (sample.status >= 400) bucket.clientErrors++;
    if (sample.fromPlayground) bucket.playground++;
    bucket.tokensIn += sample.tokensIn;
    bucket.tokensOut += sample.tokensOut;
    if (sample.elapsedMs !== undefined) count(bucket.latency, latencyBucketIndex(sample.elapsedMs));
    if (sample.ttftMs !== undefined) count(bucket.ttft, latencyBucketIndex(sample.ttftMs));
  }

  /** The seconds that have ended since the last drain, oldest first. */
  drain(): TrafficSecond[] {
    this.rollTo(Math.floor(this.now() / 1000));
    return this.complete.splice(0);
  }

  private bucketFor(route: string): TrafficBucket {
    this.rollTo(Math.floor(this.now() / 1000));
    let bucket = this.current.get(route);
    if (bucket === undefined) {
      bucket = createTrafficBucket();
      this.current.set(route, bucket);
    }
    return bucket;
  }

  private rollTo(second: number): void {
    if (second === this.second) return;
    if (this.current.size > 0) {
      this.complete.push({ t: this.second, routes: Object.fromEntries(this.current) });
      if (this.complete.length > MAX_PENDING_SECONDS) this.complete.shift();
      this.current = new Map();
    }
    this.second = second;
  }
}

function count(counts: number[], index: number): void {
  counts[index] = (counts[index] ?? 0) + 1;
}
