import type { UsageRecord } from "../usage-record.js";

/** Where the owner process writes usage records. A sink never throws into its caller and never blocks it. */
export interface UsageSinkWriter {
  write(records: readonly UsageRecord[]): void;
  close(): Promise<void>;
}

/** JSON lines: one record per line. */
export function jsonLines(records: readonly UsageRecord[]): string {
  let text = "";
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
