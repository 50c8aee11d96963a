import type { UsageLogSettings } from "../../config/governance/usage-log-section.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { UsageRecord } from "./usage-record.js";

export const USAGE_SERVICE = "usage";

/**
 * A worker's side of the usage log: records wait in a bounded buffer and go to the owner process in batches
 * (every `flushMs`, or as soon as `batch` are waiting), which writes them to the sinks and the aggregates. Never
 * on a request's path: pushing is an array append; a full buffer drops records (counted), it never blocks.
 */
export class UsageLogClient {
  private buffer: UsageRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Records dropped because the buffer was full or the owner did not take them. */
  dropped = 0;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly settings: UsageLogSettings,
  ) {}

  push(record: UsageRecord): void {
    if (this.buffer.length >= this.settings.buffer) {
      this.dropped++;
      if (this.settings.onFull === "drop_newest") return;
      this.buffer.shift();
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.settings.batch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.settings.flushMs).unref();
  }

  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.buffer;
    if (records.length === 0) return Promise.resolve();
    this.buffer = [];
    return this.coordinator.call(USAGE_SERVICE, { op: "records", records }).then(
      () => undefined,
      () => {
        this.dropped += records.length;
      },
    );
  }
}
