import { appendFile, mkdir, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../../../observability/logger.js";
import { jsonLines, type UsageSinkWriter } from "./usage-sink.js";

/**
 * JSON lines appended to a file, rotated by size: when the file would pass `maxBytes` it becomes `<path>.1`
 * (`.1` becomes `.2`, and so on; the oldest beyond `maxFiles` is overwritten). Writes are queued one after the
 * other, off the caller's path.
 */
export class FileSink implements UsageSinkWriter {
  private queue: Promise<void> = Promise.resolve();
  private size: number | undefined;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
    private readonly logger?: Logger,
  ) {}

  write(lines: readonly string[]): void {
    const text = jsonLines(lines);
    this.queue = this.queue
      .then(() => this.append(text))
      .catch((error: unknown) => {
        this.logger?.error({ err: error, file: this.path }, "could not write usage records to the file sink");
      });
  }

  close(): Promise<void> {
    return this.queue;
  }

  private async append(text: string): Promise<void> {
    if (this.size === undefined) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = await stat(this.path).then(
        (info) => info.size,
        () => 0,
      );
    }
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.maxBytes) await this.rotate();
    await appendFile(this.path, text);
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    for (let index = this.maxFiles - 1; index >= 1; index--) {
      const from = index === 1 ? this.path : `${this.path}.${index - 1}`;
      await rename(from, `${this.path}.${index}`).catch(() => {
        // A file that does not exist yet (fewer rotations so far) has nothing to move.
      });
    }
    if (this.maxFiles === 1) await rename(this.path, `${this.path}.1`).catch(() => {});
    this.size = 0;
  }
}
