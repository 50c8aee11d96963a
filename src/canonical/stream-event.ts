import type { FinishReason } from "./finish-reason.js";
import type { GatewayError } from "./gateway-error.js";
import type { Usage } from "./usage.js";

/**
 * The canonical stream: block-structured so that every dialect can be encoded from it.
 * `choice` is the candidate (OpenAI's `n`); `index` is the block's position within that candidate.
 * A well-formed stream is: message_start, then per choice any number of (block_start, deltas, block_stop),
 * then finish per choice, optionally usage, and nothing after. An error event ends a stream that broke.
 */
export type StreamEvent =
  | { type: "message_start"; id: string | null; model: string; created: number }
  | { type: "block_start"; choice: number; index: number; block: StreamBlock }
  | { type: "text_delta"; choice: number; index: number; text: string }
  /** A piece of a reasoning block's text (a reasoning model's thinking, shown before its answer). */
  | { type: "reasoning_delta"; choice: number; index: number; text: string }
  | { type: "tool_arguments_delta"; choice: number; index: number; json: string }
  | { type: "block_stop"; choice: number; index: number }
  | { type: "finish"; choice: number; reason: FinishReason }
  /** `cost`: what the call cost as a USD decimal string, added by the gateway when the call is priced. */
  | { type: "usage"; usage: Usage; cost?: string }
  | { type: "error"; error: GatewayError };

export type StreamBlock =
  | { kind: "text" }
  | { kind: "reasoning" }
  | { kind: "tool_call"; id: string; name: string };

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
