import type { GovernanceStore } from "../store/governance-store.js";

/** `last_used_at` is written at most once a minute per key and worker, never on every request. */
const INTERVAL_MS = 60_000;
const MAX_TRACKED = 100_000;

/** Records that keys were used, off the request path (fire and forget; a lost update costs a minute's accuracy). */
export class KeyUsageRecorder {
  private readonly reported = new Map<string, number>();

  constructor(private readonly store: GovernanceStore | undefined) {}

  used(id: string, now: number): void {
    const last = this.reported.get(id);
    if (last !== undefined && now - last < INTERVAL_MS) return;
    if (this.reported.size >= MAX_TRACKED) this.reported.clear();
    this.reported.set(id, now);
    this.store?.touchKeys({ [id]: new Date(now).toISOString() }).catch(() => {
      // The store is down: the time is recorded at the next use a minute later, not retried per request.
    });
  }
}
