import type { Writable } from "node:stream";
import type { UsageRecord } from "../usage-record.js";
import { jsonLines, type UsageSinkWriter } from "./usage-sink.js";

/** JSON lines on a stream: stdout by default, where container platforms collect them. */
export class StreamSink implements UsageSinkWriter {
  constructor(private readonly output: Writable) {}

  write(records: readonly UsageRecord[]): void {
    this.output.write(jsonLines(records));
  }

  async close(): Promise<void> {}
}
