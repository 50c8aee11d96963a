import type { ClientStreamWriter } from "./client-stream-writer.js";

declare module "fastify" {
  interface FastifyInstance {
    /** `server.sse_heartbeat_seconds` in ms (0: no heartbeats). */
    sseHeartbeatMs: number;
  }
}

/** An SSE comment: clients ignore it (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
const HEARTBEAT = ": keep-alive\n\n";

/**
 * Keeps a started stream alive through proxies while its upstream is silent (a model thinking before its next
 * token): after `intervalMs` without a write, an SSE comment goes out. nginx's `proxy_read_timeout` (60 s by
 * default) would otherwise cut the stream with no error. One timer per stream, re-armed on each write. The
 * comment goes through the stream's writer, after any bytes its secret redaction still holds, so it never lands
 * inside a frame.
 */
export class SseHeartbeat {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(writer: ClientStreamWriter, intervalMs: number) {
    if (intervalMs <= 0) return;
    const response = writer.response;
    this.timer = setTimeout(function beat(this: NodeJS.Timeout) {
      // A client reading slowly is not a silent stream: don't pile comments onto a full buffer.
      if (response.destroyed || response.writableEnded) return;
      if (!response.writableNeedDrain) void writer.write(HEARTBEAT);
      this.refresh();
    }, intervalMs);
    this.timer.unref();
  }

  /** Something was written: the silence starts again. */
  wrote(): void {
    this.timer?.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
