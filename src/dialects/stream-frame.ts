import type { GatewayError, StreamEvent } from "../canonical/index.js";

/** One SSE message a stream encoder produces: a bare data text, or a named event (`event: <name>`). */
export type EncodedFrame = string | { event: string; data: string };

/**
 * Turns one canonical stream into a client dialect's SSE messages. One object per client stream, synchronous
 * and free of I/O. `fail` gives the messages that end a stream which broke, when the dialect's error depends on
 * the stream so far (its sequence numbers, its response); without it the caller writes the dialect's error.
 */
export interface DialectStreamEncoder {
  push(event: StreamEvent): EncodedFrame[];
  /** Called when the canonical stream ended cleanly; returns the last messages, if any. */
  finish(): EncodedFrame[];
  fail?(error: GatewayError): EncodedFrame[];
  /** For dialects whose stream ends with the whole answer (Responses): that answer, once the stream finished. */
  final?(): Record<string, unknown> | undefined;
}
