import type { SseFrame } from "../../framing/sse-decoder.js";
import { invalidUpstreamResponse, isRecord } from "../narrow.js";
import type { RelayedFrame } from "../relay-codec.js";
import { decodeErrorMessage } from "./error-message.js";
import { unreadableChunkError, upstreamStreamError } from "./stream-error.js";

/**
 * What one frame of an OpenAI-shaped stream means to a relay (https://platform.openai.com/docs/api-reference/chat-streaming):
 * a chunk object; the `[DONE]` end marker; an in-band `{"error": {...}}` object; or a frame the client could not
 * read (data that is not a JSON object, or an `error` event without an error object), which the SDKs would fail
 * to parse or yield as a chunk.
 */
export type RelayedChunk = RelayedFrame;

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
    return { kind: "invalid", error: unreadableChunkError(frame.data, cause) };
  }
  if (!isRecord(payload)) {
    return { kind: "invalid", error: invalidUpstreamResponse("a stream chunk is not a JSON object") };
  }
  if (payload.error !== undefined && payload.error !== null) {
    return { kind: "error", error: upstreamStreamError(decodeErrorMessage(payload), payload.error) };
  }
  if (frame.event === "error") {
    return { kind: "invalid", error: upstreamStreamError(decodeErrorMessage(payload), payload) };
  }
  return { kind: "chunk" };
}
