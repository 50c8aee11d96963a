import type { GatewayError } from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { invalidUpstreamResponse, isRecord, type JsonRecord } from "../narrow.js";
import { decodeErrorMessage } from "./error-message.js";
import { unreadableChunkError, upstreamStreamError } from "./stream-error.js";

/**
 * What one frame of an OpenAI-shaped stream means to a relay that passes the bytes on untouched
 * (https://platform.openai.com/docs/api-reference/chat-streaming):
 * - `chunk`: a chunk object (parsed, for the side tap), passed on;
 * - `done`: the `[DONE]` end marker, passed on, and the stream is complete;
 * - `error`: an in-band `{"error": {...}}` object, passed on (the client's SDK raises it), and the stream ends;
 * - `invalid`: an `error` event without an error object: the stream failed, in a frame the client could not
 *   read; the stream ends with the gateway's own error frame instead;
 * - `unreadable`: data that is not a JSON object: a garbled frame, which the SDKs would fail to parse. It is not
 *   passed on; the stream goes on without it (lenient parsing: one bad frame does not sink an answer).
 */
export type RelayedChunk =
  | { kind: "chunk"; payload: JsonRecord }
  | { kind: "done" }
  | { kind: "error"; error: GatewayError }
  | { kind: "invalid"; error: GatewayError }
  | { kind: "unreadable"; error: GatewayError };

/**
 * Reads one relayed frame. Every frame is parsed: a stream that breaks with a malformed chunk must end with an
 * explicit error, never reach the client as something it cannot read.
 */
export function readRelayedChunk(frame: SseFrame): RelayedChunk {
  if (frame.data.trim() === "[DONE]") return { kind: "done" };
  let payload: unknown;
  try {
    payload = JSON.parse(frame.data);
  } catch (cause) {
    if (frame.event === "error")
      return { kind: "invalid", error: upstreamStreamError(frame.data, undefined) };
    return { kind: "unreadable", error: unreadableChunkError(frame.data, cause) };
  }
  if (!isRecord(payload)) {
    return { kind: "unreadable", error: invalidUpstreamResponse("a stream chunk is not a JSON object") };
  }
  if (payload.error !== undefined && payload.error !== null) {
    return { kind: "error", error: upstreamStreamError(decodeErrorMessage(payload), payload.error) };
  }
  if (frame.event === "error") {
    return { kind: "invalid", error: upstreamStreamError(decodeErrorMessage(payload), payload) };
  }
  return { kind: "chunk", payload };
}
