import { createUsage } from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { encodeSseFrame } from "../../framing/sse-encoder.js";
import { invalidUpstreamResponse, isRecord, type JsonRecord, optionalNumber } from "../narrow.js";
import type { RelayCodec, RelayedFinish, RelayedFrame } from "../relay-codec.js";
import { encodeAnthropicError } from "./error-encoder.js";
import { RelayedMessage } from "./relayed-message.js";
import { decodeStreamError } from "./stream-decoder.js";
import { decodeInputTokens, decodeUsage, decodeUsageDetails } from "./usage.js";

/**
 * Relaying Messages API answers to an Anthropic client (https://docs.anthropic.com/en/api/messages-streaming): a
 * stream is complete at `message_stop`; an `error` event is the upstream's own failure, passed on; data that is not
 * a JSON object is skipped (lenient parsing), and a broken stream ends with the gateway's `error` event. Usage is
 * the whole prompt from `message_start` and the cumulative counts of the last `message_delta`. A body that ends
 * after the final `message_delta` is complete (the relay adds `message_stop`); a broken text answer can be
 * continued, as the rest of the same message.
 */
export const ANTHROPIC_MESSAGES_RELAY: RelayCodec = {
  readFrame,
  carriesToken: RelayedMessage.carriesToken,
  usageOfAnswer: (body) => (isRecord(body) && isRecord(body.usage) ? decodeUsage(body.usage) : undefined),
  finishOfAnswer: (body) => (isRecord(body) ? finishOfMessage(body) : undefined),
  endMarker: "message_stop",
  holdsBackErrors: false,
  dataOnlyFrames: false,
  createTap: () => {
    let counts: JsonRecord | undefined;
    let finish: RelayedFinish | undefined;
    const answer = new RelayedMessage();
    return {
      push: (frame, payload) => {
        if (payload !== undefined) answer.push(payload);
        // Only the two events that carry usage, the model and the stop reason are read for them.
        if (frame.event !== "message_start" && frame.event !== "message_delta") return;
        if (isRecord(payload) && isRecord(payload.message)) finish = finishOfMessage(payload.message);
        if (isRecord(payload) && isRecord(payload.delta) && typeof payload.delta.stop_reason === "string") {
          finish = { ...finish, reasons: [...(finish?.reasons ?? []), payload.delta.stop_reason] };
        }
        const usage = isRecord(payload)
          ? isRecord(payload.usage)
            ? payload.usage
            : isRecord(payload.message) && isRecord(payload.message.usage)
              ? payload.message.usage
              : undefined
          : undefined;
        if (usage === undefined) return;
        const present = Object.entries(usage).filter(([, value]) => value !== null && value !== undefined);
        counts = { ...counts, ...Object.fromEntries(present) };
      },
      usage: () =>
        counts === undefined
          ? undefined
          : createUsage(
              decodeInputTokens(counts),
              optionalNumber(counts.output_tokens) ?? null,
              decodeUsageDetails(counts),
            ),
      finish: () => finish,
      errorFrames: (error) => encodeSseFrame(JSON.stringify(encodeAnthropicError(error)), "error"),
      completion: () => answer.completion(),
      continuable: () => answer.continuable(),
    };
  },
};

/** Token counting answers carry no usage: counting is free. */
export const ANTHROPIC_COUNT_TOKENS_RELAY: RelayCodec = {
  ...ANTHROPIC_MESSAGES_RELAY,
  usageOfAnswer: () => undefined,
  finishOfAnswer: () => undefined,
};

/** A message's model and stop reason (null until the end, in a stream's message_start). */
function finishOfMessage(message: JsonRecord): RelayedFinish {
  const reasons = typeof message.stop_reason === "string" ? [message.stop_reason] : [];
  return typeof message.model === "string" ? { model: message.model, reasons } : { reasons };
}

function readFrame(frame: SseFrame): RelayedFrame {
  const payload = parse(frame.data);
  if (!isRecord(payload)) {
    const error = invalidUpstreamResponse("a stream event's data is not a JSON object");
    return frame.event === "error" ? { kind: "invalid", error } : { kind: "unreadable", error };
  }
  const type = typeof payload.type === "string" ? payload.type : frame.event;
  if (type === "message_stop") return { kind: "done" };
  if (type === "error") return { kind: "error", error: decodeStreamError(payload) };
  const usage = payload.usage;
  if (type === "message_delta" && isRecord(usage))
    return {
      kind: "chunk",
      payload,
      withCost: (cost) => JSON.stringify({ ...payload, usage: { ...usage, cost } }),
    };
  return { kind: "chunk", payload, outputChars: deltaChars(payload) };
}

/** The characters of output a `content_block_delta` carries (text, thinking, tool input): for metering. */
function deltaChars(payload: JsonRecord): number {
  if (payload.type !== "content_block_delta" || !isRecord(payload.delta)) return 0;
  const { text, thinking, partial_json: partialJson } = payload.delta;
  const piece = typeof text === "string" ? text : typeof thinking === "string" ? thinking : partialJson;
  return typeof piece === "string" ? piece.length : 0;
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    // Not JSON: readFrame reports it as a frame the client could not read.
    return undefined;
  }
}
