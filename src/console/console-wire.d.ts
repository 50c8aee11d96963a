/**
 * What the console's API sends to the page (`/ui/api/routes`, the `/ui/api/events` stream). The page's code
 * (ui/src) imports these types only, so the two sides cannot drift.
 */
export type BreakerState = "closed" | "open" | "half_open" | "recovering";

export interface TargetHealth {
  /** `provider/model`. */
  target: string;
  provider: string;
  model: string;
  weight: number;
  /** The worst state any worker's breaker for this target is in (open, half_open, recovering, closed). */
  state: BreakerState;
  /** How many workers' breakers are in each state: breakers are per worker, so they can differ. */
  workers: Partial<Record<BreakerState, number>>;
  /** The most consecutive failures any worker has seen on this target right now. */
  failures: number;
  /** The latest failure any worker recorded, with its time (Unix ms); null before any. */
  lastError: { message: string; at: number } | null;
  /** Milliseconds until an open breaker lets a probe through (the longest wait among workers). */
  retryInMs: number;
}

export interface RouteSummary {
  name: string;
  type: string;
  strategy: string;
  targets: TargetHealth[];
  /** Over the last minute, all workers together. */
  requestsPerMinute: number;
  /** Share of the last minute's requests that failed (5xx); null without requests. */
  errorRate: number | null;
  p95Ms: number | null;
}

export interface RoutesView {
  /** Unix ms when the owner built this view. */
  generatedAt: number;
  /** Workers whose breaker state the view includes (those that reported in the last seconds). */
  workers: number;
  routes: RouteSummary[];
}

/** One second of traffic, for all routes or one; latencies are null when no request finished that second. */
export interface TrafficPoint {
  /** Unix seconds. */
  t: number;
  requests: number;
  errors: number;
  clientErrors: number;
  playground: number;
  tokensIn: number;
  tokensOut: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}

/** The `snapshot` event on connect (the kept history) and each `tick` (the seconds since). */
export interface TrafficUpdate {
  /** The route the points are for; null for all routes. */
  route: string | null;
  points: TrafficPoint[];
  routes: RoutesView;
}
