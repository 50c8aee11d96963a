import type { GatewayError, Usage } from "../canonical/index.js";
import type { SseFrame } from "../framing/sse-decoder.js";

/**
 * What one frame of a relayed stream means to the relay, which passes the bytes on untouched:
 * - `chunk`: an event of the dialect, passed on;
 * - `done`: the stream's end marker, passed on, and the stream is complete;
 * - `error`: the upstream's in-band error: the stream ends with it (passed on as it is, or held back and re-encoded
 *   with the route and target when the codec says so: `holdsBackErrors`);
 * - `invalid`: a frame the client could not read: not passed on; the stream ends with the gateway's own error.
 */
export type RelayedFrame =
  | {
      kind: "chunk";
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
  | { kind: "invalid"; error: GatewayError };

/** The response model and finish reasons of a relayed answer, for the access log and tracing. */
export interface RelayedFinish {
  model?: string;
  reasons: string[];
}

/** What the gateway watches of one relayed stream, beside the bytes it passes on (the side tap). */
export interface RelayTap {
  /** Called with every frame passed on, in order. */
  push(frame: SseFrame): void;
  /** The usage the frames reported so far (cumulative counts are kept whole); undefined when none. */
  usage(): Usage | undefined;
  /** The response model and finish reasons the frames reported so far; undefined when none. */
  finish(): RelayedFinish | undefined;
  /** The SSE text that ends a stream which broke: the dialect's error event(s), in line with what came before. */
  errorFrames(error: GatewayError): string;
  /** For dialects whose stream ends with the whole answer (Responses): that answer, once the stream completed. */
  final?(): Record<string, unknown> | undefined;
}

/** The dialect knowledge a same-dialect relay needs (streaming/pass-through.ts picks one per client dialect). */
export interface RelayCodec {
  readFrame(frame: SseFrame): RelayedFrame;
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
