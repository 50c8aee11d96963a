import type { SseFrame } from "../../framing/sse-decoder.js";
import { invalidUpstreamResponse, isRecord } from "../narrow.js";
import type { RelayedFrame } from "../relay-codec.js";
import { unreadableChunkError, upstreamStreamError } from "./stream-error.js";

/**
 * What one frame of an OpenAI-shaped stream means to a relay that passes the bytes on untouched
 * (https://platform.openai.com/docs/api-reference/chat-streaming):
 * - `chunk`: a chunk object, passed on;
 * - `done`: the `[DONE]` end marker, passed on, and the stream is complete;
 * - `error`: an in-band error (`{"error": ...}` in any of the compatible servers' shapes): the stream ends with it,
 *   re-encoded in OpenAI's envelope (the client's SDK raises it) with the upstream's message, type and code;
 * - `invalid`: a frame the client could not read (data that is not a JSON object, or an `error` event without an
 *   error object): not passed on, since the SDKs would fail to parse it or yield it as a chunk; the stream ends
 *   with the gateway's own error frame instead.
 */
export type RelayedChunk = RelayedFrame;

/**
 * Reads one relayed frame. Every frame is parsed: a stream that breaks with a malformed chunk must end with an
 * explicit error, never reach the client as something it cannot read.
 */
export function readRelayedChunk(frame: SseFrame, provider?: string): RelayedChunk {
  if (frame.data.trim() === "[DONE]") return { kind: "done" };
  let payload: unknown;
  try {
    payload = JSON.parse(frame.data);
  } catch (cause) {
    if (frame.event === "error") {
      return { kind: "invalid", error: upstreamStreamError({ message: frame.data }, provider) };
    }
    return { kind: "invalid", error: unreadableChunkError(frame.data, cause) };
  }
  if (!isRecord(payload)) {
    return { kind: "invalid", error: invalidUpstreamResponse("a stream chunk is not a JSON object") };
  }
  if (payload.error !== undefined && payload.error !== null) {
    return { kind: "error", error: upstreamStreamError(payload, provider) };
  }
  if (frame.event === "error") {
    return { kind: "invalid", error: upstreamStreamError(payload, provider) };
  }
  const choices = Array.isArray(payload.choices) ? payload.choices : [];
  const usageOnly = isRecord(payload.usage) && choices.length === 0 ? payload : undefined;
  return { kind: "chunk", outputChars: outputChars(choices), usageOnly };
}

/** The output a chunk's choices carry, in characters. */
function outputChars(choices: unknown[]): number {
  let chars = 0;
  for (const choice of choices) {
    if (!isRecord(choice)) continue;
    const delta = isRecord(choice.delta) ? choice.delta : choice;
    if (typeof delta.content === "string") chars += delta.content.length;
    if (typeof delta.text === "string") chars += delta.text.length;
    if (typeof delta.refusal === "string") chars += delta.refusal.length;
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
        if (typeof fn?.arguments === "string") chars += fn.arguments.length;
        if (typeof fn?.name === "string") chars += fn.name.length;
      }
    }
  }
  return chars;
}
