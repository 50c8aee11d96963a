import type { Writable } from "node:stream";
import type { UsageSinkWriter } from "./usage-sink.js";

/**
 * Only a pipe write of at most PIPE_BUF (4 KiB on Linux) is atomic: the workers' log lines share stdout with
 * the usage records, so records are written in groups of whole lines that fit, and no line is ever split by
 * another process's. (A single line longer than that is written alone.)
 */
const ATOMIC_WRITE_BYTES = 4096;

/** JSON lines on a stream: stdout by default, where container platforms collect them. */
export class StreamSink implements UsageSinkWriter {
  constructor(private readonly output: Writable) {}

  write(lines: readonly string[]): void {
    let chunk = "";
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line) + 1;
      if (chunk !== "" && chunkBytes + bytes > ATOMIC_WRITE_BYTES) {
        this.output.write(chunk);
        chunk = "";
        chunkBytes = 0;
      }
      chunk += `${line}\n`;
      chunkBytes += bytes;
    }
    if (chunk !== "") this.output.write(chunk);
  }

  async close(): Promise<void> {}
}
