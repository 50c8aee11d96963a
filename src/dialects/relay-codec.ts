import type { GatewayError, Usage } from "../canonical/index.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import type { JsonRecord } from "./narrow.js";
import type { DialectStreamEncoder } from "./stream-frame.js";

/**
 * What one frame of a relayed stream means to the relay, which passes the bytes on untouched:
 * - `chunk`: an event of the dialect (parsed, for the side tap and the commit point), passed on;
 * - `done`: the stream's end marker, passed on, and the stream is complete;
 * - `error`: the upstream's in-band error: the stream ends with it (passed on as it is, or held back and re-encoded
 *   with the route and target when the codec says so: `holdsBackErrors`), unless the stream is continued;
 * - `invalid`: a failure in a frame the client could not read (an error event without an error object): not
 *   passed on; the stream ends with the gateway's own error;
 * - `unreadable`: data that is not a JSON object, a garbled frame: not passed on, and the stream goes on without
 *   it (lenient parsing: one bad frame does not sink an answer).
 */
export type RelayedFrame =
  | {
      kind: "chunk";
      /** The event parsed, for the side tap and the commit point. */
      payload: JsonRecord;
      /** Characters of output the event carries (text, tool-call arguments): metered while a stream runs. */
      outputChars?: number;
      /**
       * The event, when it is an OpenAI `include_usage` chunk (usage and no choices): left out of the client's
       * stream when the gateway asked for it, or passed on with the call's cost.
       */
      usageOnly?: Record<string, unknown>;
      /** The event carries the stream's final usage: its data with the call's cost in it (`usage.cost`, USD). */
      withCost?: (costUsd: number) => string;
    }
  | { kind: "done"; withCost?: (costUsd: number) => string }
  | { kind: "error"; error: GatewayError }
  | { kind: "invalid"; error: GatewayError }
  | { kind: "unreadable"; error: GatewayError };

/** The response model and finish reasons of a relayed answer, for the access log and tracing. */
export interface RelayedFinish {
  model?: string;
  reasons: string[];
}

/** What the gateway watches of one relayed stream, beside the bytes it passes on (the side tap). */
export interface RelayTap {
  /** Called with every frame passed on, in order (with its payload, for chunks). */
  push(frame: SseFrame, payload?: JsonRecord): void;
  /** The usage the frames reported so far (cumulative counts are kept whole); undefined when none. */
  usage(): Usage | undefined;
  /** The response model and finish reasons the frames reported so far; undefined when none. */
  finish(): RelayedFinish | undefined;
  /** The SSE text that ends a stream which broke: the dialect's error event(s), in line with what came before. */
  errorFrames(error: GatewayError): string;
  /** For dialects whose stream ends with the whole answer (Responses): that answer, once the stream completed. */
  final?(): Record<string, unknown> | undefined;
  /**
   * Lenient completion: when the body ended without its end marker but after the answer finished (a finish
   * reason for every choice), the SSE text that completes the stream (the end marker); undefined otherwise (the
   * stream broke). Without it, every body that ends early is broken.
   */
  completion?(): string | undefined;
  /**
   * Mid-stream continuation: where the answer stands, when it is plain text a prefill can continue (not
   * finished, no tool call, one choice); undefined otherwise, and for dialects whose relays cannot be continued.
   */
  continuable?(): RelayedAnswerSoFar | undefined;
}

/** A relayed answer that broke, as far as the client has it, and how to write the rest of it. */
export interface RelayedAnswerSoFar {
  /** The text of the answer so far (sent to the continuing target as an assistant prefill). */
  text: string;
  /** Whether its text block is still open (the continuation's text goes on in it) or was closed. */
  blockOpen: boolean;
  /**
   * Writes a continuation's canonical events (choice 0, canonical block 0 being the answer's text block) as the
   * rest of the relayed stream: the same ids, block indexes and numbering, ending as the dialect ends a stream.
   */
  encoder(includeUsage: boolean): DialectStreamEncoder;
}

/** The dialect knowledge a same-dialect relay needs (streaming/pass-through.ts picks one per client dialect). */
export interface RelayCodec {
  readFrame(frame: SseFrame): RelayedFrame;
  /**
   * The commit point: whether a chunk carries a token (text, a tool call, a finish). Frames before the first such
   * chunk (the stream's opening) are held, so that a target that opens its stream and then stays silent past
   * `first_token_seconds` is left for the next target before the client has seen a byte.
   */
  carriesToken(payload: JsonRecord): boolean;
  /**
   * The end marker carries the whole answer (Responses' `response.completed`), so a stream that ends before any
   * delta (an empty answer) is complete; elsewhere an end marker before the first token is a broken stream.
   */
  endsWithAnswer?: boolean;
  /**
   * For dialects whose events are numbered (Responses' `sequence_number`): an event's data renumbered after
   * `skipped` unreadable events were left out, so that the client sees no gap.
   */
  renumber?(data: string, skipped: number): string;
  createTap(): RelayTap;
  /** The usage of a whole relayed answer; undefined when it has none that can be read. */
  usageOfAnswer(body: unknown): Usage | undefined;
  /** The response model and finish reasons of a whole relayed answer; undefined when it has none. */
  finishOfAnswer(body: unknown): RelayedFinish | undefined;
  /**
   * Whether an in-band upstream error is held back and the stream ends with the gateway's own error event (with
   * the route and target), rather than passed on as the upstream sent it.
   */
  holdsBackErrors: boolean;
  /** Whether a frame is its data alone (no `event:` line), so that it may be re-encoded from its data. */
  dataOnlyFrames: boolean;
  /** What a complete stream ends with, for messages. */
  endMarker: string;
}
