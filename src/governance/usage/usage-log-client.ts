import type { UsageLogSettings } from "../../config/governance/usage-log-section.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import { stdoutLines } from "../../observability/stdout-lines.js";
import { USAGE_SERVICE, type UsageBatch } from "./usage-batch.js";
import type { UsageRecord } from "./usage-record.js";
import { usageRecordJson } from "./usage-record-json.js";
import { UsageTally } from "./usage-tally.js";

/**
 * Records per message to the owner, whatever `batch` says (that is the HTTP sink's POST, which the owner fills):
 * a message of 500 records is a string of about 800 KB to build, escape and copy, and brings the worker's next
 * full garbage collection closer; eight small ones cost it less (`npm run bench`: 6-14% of a request's CPU).
 */
export const OWNER_MESSAGE_RECORDS = 64;

/** Where a process writes its own records' lines for the `stdout` sink. */
export interface UsageLineOutput {
  /** Answers false when the line was dropped (stdout not taking writes). */
  writeLine(line: string): boolean;
}

/**
 * A worker's side of the usage log. Each record is serialised here, once, and counted into the tally; the owner
 * adds every worker's counts into the aggregates, without parsing a record.
 *
 * The `stdout` sink is written by the process that made the record, in the same batches of whole lines as its
 * log (observability/stdout-lines.ts: writes of at most PIPE_BUF, so no other process's line lands inside a
 * record). Sending records to the owner only for it to write them on the same stdout cost a JSON escape and copy
 * on both sides and put every worker's records through one process.
 *
 * Records for the owner's sinks (a file, an HTTP endpoint) wait in a bounded buffer and go to the owner in
 * batches (every `flushMs`, or as soon as `batch` or OWNER_MESSAGE_RECORDS are waiting). Never on a request's
 * path: pushing is an append; a full buffer drops records (counted), it never blocks.
 */
export class UsageLogClient {
  private lines: string[] = [];
  private tally = new UsageTally();
  private timer: NodeJS.Timeout | undefined;
  /** Records a sink lost: the buffer was full, stdout did not take them, or the owner did not. */
  dropped = 0;
  private settings!: UsageLogSettings;
  private messageRecords = OWNER_MESSAGE_RECORDS;
  private toStdout = false;
  private toOwner = false;

  constructor(
    private readonly coordinator: Coordinator,
    settings: UsageLogSettings,
    private readonly stdout: UsageLineOutput = stdoutLines(),
  ) {
    this.applySettings(settings);
  }

  /** A reload's settings: which sinks this process writes itself, and what its buffer holds. */
  applySettings(settings: UsageLogSettings): void {
    this.settings = settings;
    this.messageRecords = Math.min(settings.batch, OWNER_MESSAGE_RECORDS);
    this.toStdout = settings.sinks.some((sink) => sink.kind === "stdout");
    this.toOwner = settings.sinks.some((sink) => sink.kind !== "stdout");
    if (!this.toOwner) this.lines = [];
  }

  push(record: UsageRecord): void {
    // The aggregates count every request, also one whose line was dropped.
    this.tally.add(record);
    this.timer ??= setTimeout(() => this.flush(), this.settings.flushMs).unref();
    if (!this.toStdout && !this.toOwner) return;
    const line = usageRecordJson(record);
    if (this.toStdout && !this.stdout.writeLine(line)) this.dropped++;
    if (this.toOwner) this.queueForOwner(line);
  }

  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.lines;
    const counts = this.tally.take();
    if (lines.length === 0 && counts.length === 0) return Promise.resolve();
    this.lines = [];
    const batch: UsageBatch = { op: "records", lines, counts };
    return this.coordinator.call(USAGE_SERVICE, batch).then(
      () => undefined,
      () => {
        this.dropped += lines.length;
      },
    );
  }

  private queueForOwner(line: string): void {
    if (this.lines.length >= this.settings.buffer) {
      this.dropped++;
      if (this.settings.onFull === "drop_newest") return;
      this.lines.shift();
    }
    this.lines.push(line);
    if (this.lines.length >= this.messageRecords) this.flush();
  }
}
