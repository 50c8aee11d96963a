import type { UsageRecord } from "./usage-record.js";

/**
 * Requests, tokens and cost of one (UTC hour, key, route, model): the unit the usage aggregates count in. A
 * day's counters are its hours' sums, so the hour is all a count needs to carry.
 */
export interface UsageCount {
  /** The stored form of the hour, `2026-12-04T13`. */
  hour: string;
  key: string | null;
  route: string;
  model: string;
  requests: number;
  input: number;
  output: number;
  costNano: number;
  unpriced: number;
}

/** What the tally reads of a record. */
export type CountedRecord = Pick<
  UsageRecord,
  "ts_start" | "key_id" | "route" | "model" | "input_tokens" | "output_tokens" | "cost_nano_usd"
>;

const SEPARATOR = "\u0001";

/**
 * A worker folds its records into these few sums as they are made, so a batch reaches the owner as one count
 * per (hour, key, route, model) instead of one object per request for it to parse and count: on a busy
 * gateway a batch of hundreds of records is a handful of counts.
 */
export class UsageTally {
  private counts = new Map<string, UsageCount>();

  add(record: CountedRecord): void {
    const hour = record.ts_start.slice(0, 13);
    const id = `${hour}${SEPARATOR}${record.key_id ?? ""}${SEPARATOR}${record.route}${SEPARATOR}${record.model}`;
    let count = this.counts.get(id);
    if (count === undefined) {
      count = {
        hour,
        key: record.key_id,
        route: record.route,
        model: record.model,
        requests: 0,
        input: 0,
        output: 0,
        costNano: 0,
        unpriced: 0,
      };
      this.counts.set(id, count);
    }
    count.requests++;
    count.input += record.input_tokens;
    count.output += record.output_tokens;
    if (record.cost_nano_usd === null) count.unpriced++;
    else count.costNano += record.cost_nano_usd;
  }

  /** The counts so far; the tally starts again from zero. */
  take(): UsageCount[] {
    const counts = [...this.counts.values()];
    this.counts = new Map();
    return counts;
  }
}

/** The counts of a set of records (what a worker's tally sends for them). */
export function countsOf(records: readonly CountedRecord[]): UsageCount[] {
  const tally = new UsageTally();
  for (const record of records) tally.add(record);
  return tally.take();
}
