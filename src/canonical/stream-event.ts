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
  | { type: "error"; error: GatewayError };

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
   * Called when the upstream body ends. A stream that ends before its terminal event returns an error event
   * here: a cut stream must never look like a clean end.
   */
  finish(): StreamEvent[];
}
