import type { Logger } from "../../../observability/logger.js";
import { jsonLines, type UsageSinkWriter } from "./usage-sink.js";

/** How the HTTP sink groups records: a POST as soon as `batch` are waiting, else every `flushMs`. */
export interface HttpBatching {
  batch: number;
  flushMs: number;
}

/**
 * Batches POSTed to a collector as JSON lines (`application/x-ndjson`), one request per batch, one at a time.
 * Records from every worker gather here up to `batch` (or for `flushMs`), so a batch is the configured size
 * however the workers hand their records over. A failed batch is retried with backoff up to 3 times and then
 * dropped (counted): a collector that is down never holds records in memory without bound, nor slows the gateway.
 */
export class HttpSink implements UsageSinkWriter {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private gathered: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  dropped = 0;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
    private readonly batching: HttpBatching,
    private readonly logger?: Logger,
    private readonly maxPendingBatches = 100,
  ) {}

  write(lines: readonly string[]): void {
    for (const line of lines) this.gathered.push(line);
    if (this.gathered.length >= this.batching.batch) this.post();
    else this.timer ??= setTimeout(() => this.post(), this.batching.flushMs).unref();
  }

  private post(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.gathered;
    if (lines.length === 0) return;
    this.gathered = [];
    if (this.pending >= this.maxPendingBatches) {
      this.dropped += lines.length;
      return;
    }
    this.pending++;
    const body = jsonLines(lines);
    this.queue = this.queue
      .then(() => this.send(body, lines.length))
      .finally(() => {
        this.pending--;
      });
  }

  close(): Promise<void> {
    this.post();
    return this.queue;
  }

  private async send(body: string, count: number): Promise<void> {
    // Loaded with the first batch: the sink runs in the primary process, which otherwise needs no HTTP client.
    const { request } = await import("undici");
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const response = await request(this.url, {
          method: "POST",
          headers: { ...this.headers, "content-type": "application/x-ndjson" },
          body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        await response.body.dump();
        if (response.statusCode < 300) return;
        if (response.statusCode < 500 && response.statusCode !== 429) break;
      } catch {
        // Unreachable or too slow: retried below.
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt).unref());
    }
    this.dropped += count;
    // The URL may carry a token: it is not logged.
    this.logger?.warn({ records: count }, "the usage log's HTTP sink did not take a batch; it was dropped");
  }
}
