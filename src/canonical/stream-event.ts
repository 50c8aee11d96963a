import type { FinishReason } from "./finish-reason.js";
import type { GatewayError } from "./gateway-error.js";
import type { Usage } from "./usage.js";

/**
 * The canonical stream: block-structured so that every dialect can be encoded from it.
 * `choice` is the candidate (OpenAI's `n`); `index` is the block's position within that candidate.
 * A well-formed stream is: message_start, then per choice any number of (block_start, deltas, block_stop),
 * then finish per choice, optionally usage, and nothing after. An error event ends a stream that broke.
 *
 * `message_start.usage` carries what the upstream knows at the start (Anthropic reports the input tokens
 * there); the `usage` event at the end is the whole, final count.
 */
export type StreamEvent =
  | { type: "message_start"; id: string | null; model: string; created: number; usage?: Usage }
  | { type: "block_start"; choice: number; index: number; block: StreamBlock }
  | { type: "text_delta"; choice: number; index: number; text: string }
  /** A piece of a reasoning block's text (a reasoning model's thinking, shown before its answer). */
  | { type: "reasoning_delta"; choice: number; index: number; text: string }
  | { type: "tool_arguments_delta"; choice: number; index: number; json: string }
  /** The reasoning block's opaque token (see Reasoning.signature); comes before its block_stop. */
  | { type: "reasoning_signature"; choice: number; index: number; signature: string }
  | { type: "block_stop"; choice: number; index: number }
  | { type: "finish"; choice: number; reason: FinishReason }
  /** `cost`: what the call cost as a USD decimal string, added by the gateway when the call is priced. */
  | { type: "usage"; usage: Usage; cost?: string }
  | { type: "error"; error: GatewayError }
  /** The stream broke and another target continues it from here (mid-stream continuation). */
  | { type: "continued"; continuation: StreamContinuation };

/**
 * The extension field that reports a continuation to the client, in every API's final event of the stream
 * (OpenAI's finishing chunk, Messages' `message_delta`, the Responses `response` of `response.completed`): the
 * SDKs keep unknown fields, so a client can read it; others ignore it.
 */
export const CONTINUATION_FIELD = "switchyard_continuation";

/** How a stream was continued: reported to the client in its last event, and in the log. */
export interface StreamContinuation {
  /** The target whose stream broke, and the one that continued it (`provider/model`). */
  from: string;
  to: string;
  /** The error code of the break (`upstream_timeout`, `upstream_unreachable`, ...). */
  reason: string;
  /** Characters of the answer that reached the client before the break (sent as the continuation's prefill). */
  prefillChars: number;
}

/**
 * A reasoning block's `origin` is the wire family its signature belongs to (see Reasoning.origin); `redacted`
 * holds Anthropic's redacted_thinking data, which comes whole in the block's start.
 */
export type StreamBlock =
  | { kind: "text" }
  | { kind: "tool_call"; id: string; name: string }
  | { kind: "reasoning"; origin?: string; redacted?: string };

/**
 * Turns one upstream stream's frames into canonical events. One object per stream, holding that stream's
 * state; synchronous and free of I/O so it can be tested with fixture frames.
 */
export interface StreamDecoder<Frame> {
  push(frame: Frame): StreamEvent[];
  /**
   * Frames skipped so far because they could not be read (data that is not JSON): one garbled frame does not
   * sink an answer; the caller logs and counts them.
   */
  readonly skippedFrames?: number;
  /**
   * Called when the upstream body ends. A stream that ends before its terminal event returns an error event
   * here, unless every choice had already finished (its end marker is all that is missing): a cut stream must
   * never look like a clean end.
   */
  finish(): StreamEvent[];
}
