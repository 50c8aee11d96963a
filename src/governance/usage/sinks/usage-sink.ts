/**
 * Where the owner process writes usage records: each arrives as its JSON (one line, without the newline),
 * serialised once by the worker that made it. A sink never throws into its caller and never blocks it.
 */
export interface UsageSinkWriter {
  write(lines: readonly string[]): void;
  close(): Promise<void>;
}

/** JSON lines: one record per line. */
export function jsonLines(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
