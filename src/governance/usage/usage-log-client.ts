import type { UsageLogSettings } from "../../config/governance/usage-log-section.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { UsageRecord } from "./usage-record.js";
import { type UsageCount, UsageTally } from "./usage-tally.js";

export const USAGE_SERVICE = "usage";

/**
 * Records per message to the owner, whatever `batch` says (that is the HTTP sink's POST, which the owner fills):
 * a message of 500 records is a string of about 800 KB to build, escape and copy, and brings the worker's next
 * full garbage collection closer; eight small ones cost it less (`npm run bench`: 6-14% of a request's CPU).
 */
export const OWNER_MESSAGE_RECORDS = 64;

/** A worker's batch: the records as the sinks write them (JSON, one per line) and their counts. */
export interface UsageBatch {
  op: "records";
  lines: string[];
  counts: UsageCount[];
}

/**
 * A worker's side of the usage log: records wait in a bounded buffer and go to the owner process in batches
 * (every `flushMs`, or as soon as `batch` or OWNER_MESSAGE_RECORDS are waiting), which writes them to the sinks
 * and the aggregates. Never
 * on a request's path: pushing is an append; a full buffer drops records (counted), it never blocks.
 *
 * Each record is serialised here, once, and counted into the tally: the owner, which takes every worker's
 * records, only passes the lines on and adds the counts, instead of parsing, counting and serialising every
 * record again.
 */
export class UsageLogClient {
  private lines: string[] = [];
  private tally = new UsageTally();
  private timer: NodeJS.Timeout | undefined;
  /** Records dropped because the buffer was full or the owner did not take them. */
  dropped = 0;

  private readonly messageRecords: number;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly settings: UsageLogSettings,
  ) {
    this.messageRecords = Math.min(settings.batch, OWNER_MESSAGE_RECORDS);
  }

  push(record: UsageRecord): void {
    // The aggregates count every request, also one whose line a full buffer drops.
    this.tally.add(record);
    if (this.lines.length >= this.settings.buffer) {
      this.dropped++;
      if (this.settings.onFull === "drop_newest") return;
      this.lines.shift();
    }
    this.lines.push(JSON.stringify(record));
    if (this.lines.length >= this.messageRecords) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.settings.flushMs).unref();
  }

  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.lines;
    if (lines.length === 0) return Promise.resolve();
    this.lines = [];
    const batch: UsageBatch = { op: "records", lines, counts: this.tally.take() };
    return this.coordinator.call(USAGE_SERVICE, batch).then(
      () => undefined,
      () => {
        this.dropped += lines.length;
      },
    );
  }
}
