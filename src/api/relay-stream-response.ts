import type { FastifyReply } from "fastify";
import { type ErrorContext, GatewayError } from "../canonical/index.js";
import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { splitStreamUsage } from "../dialects/openai/stream-usage.js";
import type { RelayTap } from "../dialects/relay-codec.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import type { RelayedFrames } from "../framing/sse-frame-relay.js";
import { costOfCall } from "../governance/call-account.js";
import type { GovernedCall } from "../governance/governed-call.js";
import { needsTopUp, topUpStream } from "../governance/stream-meter.js";
import type { CancelSignal } from "../routing/cancel-signal.js";
import type { RelayedStream } from "../routing/relay-upstream.js";
import { continuesAfter } from "../routing/stream-continuation.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { type ContinuationSource, spliceContinuation } from "../streaming/continued-stream.js";
import { ClientStreamWriter } from "./client-stream-writer.js";
import {
  encodeFrames,
  failWith,
  pricedUsage,
  SSE_HEADERS,
  streamResponseHeaders,
} from "./event-stream-response.js";
import { SseHeartbeat } from "./sse-heartbeat.js";
import { noteContinuation, noteSkippedFrame } from "./stream-notes.js";

const DONE_FRAME = encodeSseFrame("[DONE]");

export interface RelayOptions {
  /** Mid-stream continuation on another target, when the route has it. */
  continuation?: ContinuationSource | undefined;
  /** The client's `stream_options.include_usage`: for upstreams that send usage unasked, and a continuation
   * ends with a usage chunk too. */
  includeUsage: boolean;
  /**
   * Called with the whole answer (for dialects whose stream ends with it, Responses; else undefined) once the
   * stream's terminal frame has arrived, before it is written (see answerChatIngress).
   */
  beforeEnd?: ((answer: Record<string, unknown> | undefined) => Promise<void>) | undefined;
}

/**
 * Relays an opened upstream stream to the client frame by frame. The side tap reads every frame (usage, the
 * response model, finish reasons, the answer so far): the stream is complete at its end marker (passed on,
 * nothing after it), or when its body ends after the answer finished (the tap's `completion`, the end marker the
 * upstream left out). A frame that cannot be read is skipped, logged and counted (lenient parsing). An in-band
 * error ends the stream: passed on as the upstream sent it, or (OpenAI-shaped relays, whose compatible servers use
 * several shapes, and any relay that may be continued) held back. A stream that breaks off, stalls or carries an
 * error is continued on another target when the route allows it (mid-stream continuation); otherwise it ends
 * with the gateway's error event in the dialect, carrying the route and target. A broken stream never ends like
 * a clean one. Frames go on as the upstream's bytes unless the provider declares a difference (a rewrite, or
 * framing to normalise). `beforeEnd` is called with the whole answer (dialects whose stream ends with it) once
 * the stream's terminal frame has arrived, before it is written (see answerChatIngress).
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: CancelSignal,
  context: ErrorContext,
  options: RelayOptions,
): Promise<void> {
  const { upstream, opened, chunks, relay, codec, quirks } = stream;
  const tap = codec.createTap();
  const { rewrite, normaliseFraming = false, usageOnLastChunk = false } = quirks;
  const reframesSpaceless = codec.dataOnlyFrames;
  const holdsBackErrors = codec.holdsBackErrors || options.continuation !== undefined;
  /** The data texts to send for a chunk instead of its bytes, or undefined to relay them as they are. */
  const replace = (data: string): string[] | undefined => {
    const rewritten = rewrite?.(data);
    const split = usageOnLastChunk ? splitStreamUsage(rewritten ?? data, options.includeUsage) : undefined;
    if (split !== undefined) return split;
    if (rewritten !== undefined || normaliseFraming) return [rewritten ?? data];
    return undefined;
  };
  const call = reply.request.observation?.call;
  let complete = false;
  let failure: GatewayError | undefined;
  /** Unreadable frames left out so far. */
  let skipped = 0;
  /** What to pass on of these frames: up to the frame that ends the stream, each rewritten if it must be,
   * without unreadable ones. */
  const relayable = ({ bytes, frames, starts, ends }: RelayedFrames): Buffer => {
    // Built only when a frame is rewritten or left out: then the output is the changed frames between
    // untouched runs.
    let pieces: (Buffer | string)[] | undefined;
    let copied = 0;
    const cutAt = (offset: number): Buffer => {
      if (pieces === undefined) return bytes.subarray(0, offset);
      pieces.push(bytes.subarray(copied, offset));
      return joinPieces(pieces);
    };
    for (const [index, frame] of frames.entries()) {
      // After a skipped frame, numbered events are renumbered (every later frame is then re-encoded), before
      // they are read: a frame rewritten from what was read (the cost added) keeps the new number.
      const renumbered = skipped > 0 ? codec.renumber?.(frame.data, skipped) : undefined;
      const read = renumbered === undefined ? frame : { ...frame, data: renumbered };
      const chunk = codec.readFrame(read);
      if (chunk.kind === "chunk") {
        tap.push(read, chunk.payload);
        if (call !== undefined) {
          // Metered as it runs (limits and budgets top up from it); billed by the upstream's usage.
          if (chunk.outputChars !== undefined && chunk.outputChars > 0) {
            call.meteredChars += chunk.outputChars;
            call.meteredChunks++;
          }
          if (chunk.usageOnly !== undefined) {
            // The usage chunk: left out when the client did not ask for it (the gateway did, to bill the
            // stream), passed on with the call's cost added when it did.
            call.usage = tap.usage() ?? call.usage;
            pieces ??= [];
            pieces.push(bytes.subarray(copied, starts[index]));
            if (options.includeUsage)
              pieces.push(encodeSseFrame(JSON.stringify(withCost(chunk.usageOnly, call))));
            copied = ends[index] ?? bytes.length;
            continue;
          }
          const costed =
            chunk.withCost === undefined ? undefined : finalFrameWithCost(chunk.withCost, frame, tap, call);
          if (costed !== undefined) {
            pieces ??= [];
            pieces.push(bytes.subarray(copied, starts[index]), costed);
            copied = ends[index] ?? bytes.length;
            continue;
          }
        }
        const changed =
          replace(read.data) ??
          (renumbered !== undefined || (reframesSpaceless && spaceless(bytes, starts[index]))
            ? [read.data]
            : undefined);
        if (changed === undefined) continue;
        pieces ??= [];
        pieces.push(
          bytes.subarray(copied, starts[index]),
          // Frames rewritten for a declared difference are data only (OpenAI-shaped); renumbered ones keep their event.
          ...changed.map((data) => encodeSseFrame(data, renumbered === undefined ? undefined : read.event)),
        );
        copied = ends[index] ?? bytes.length;
        continue;
      }
      if (chunk.kind === "unreadable") {
        // Lenient parsing: a garbled frame is left out and the stream goes on.
        skipped++;
        noteSkippedFrame(reply, upstream.providerDisplayName, chunk.error.message);
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]));
        copied = ends[index] ?? bytes.length;
        continue;
      }
      if (chunk.kind === "invalid" || (chunk.kind === "error" && holdsBackErrors)) {
        // Held back: the stream is continued elsewhere or ends with the gateway's error event.
        failure = chunk.error;
        return cutAt(starts[index] ?? 0);
      }
      tap.push(read);
      // The end marker, or the upstream's own error event (passed on as it is, and counted as a failure).
      if (chunk.kind === "error") failWith(reply, chunk.error);
      complete = true;
      const costed =
        chunk.kind === "done" && chunk.withCost !== undefined && call !== undefined
          ? finalFrameWithCost(chunk.withCost, frame, tap, call)
          : undefined;
      if (costed !== undefined) {
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), costed);
        return joinPieces(pieces);
      }
      if (
        chunk.kind === "done" &&
        (normaliseFraming || (reframesSpaceless && spaceless(bytes, starts[index])))
      ) {
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), DONE_FRAME);
        return joinPieces(pieces);
      }
      if (renumbered !== undefined) {
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), encodeSseFrame(read.data, read.event));
        return joinPieces(pieces);
      }
      return cutAt(ends[index] ?? bytes.length);
    }
    return cutAt(bytes.length);
  };
  const first = relayable(stream.first);
  reply.hijack();
  const response = new ClientStreamWriter(reply.raw, 200, {
    ...SSE_HEADERS,
    ...streamResponseHeaders(reply),
  });
  const heartbeat = new SseHeartbeat(response, reply.server.sseHeartbeatMs);
  try {
    try {
      if (complete) await options.beforeEnd?.(tap.final?.());
      await response.write(first);
      while (!complete && failure === undefined && !response.destroyed) {
        if (call !== undefined && needsTopUp(call)) {
          // Past its reservation: reserve more, or (policy `cut`) end the stream with the limit's error.
          failure = await topUpStream(call);
          if (failure !== undefined) break;
        }
        const next = await chunks.next();
        if (next.done === true) break;
        const bytes = relayable(relay.push(next.value as Buffer));
        if (complete) await options.beforeEnd?.(tap.final?.());
        if (bytes.length > 0) {
          heartbeat.wrote();
          await response.write(bytes);
        }
      }
    } catch (error) {
      if (!signal.aborted)
        failure = upstreamFailure(error, upstream.providerDisplayName, opened.timedOut(), true);
    } finally {
      const body = opened.response.body;
      // A complete stream usually has only its end left to arrive: reading it keeps the upstream connection
      // reusable (destroying the body closes the socket, and the next request pays for a new connection).
      // A broken or abandoned stream is cut off.
      if (complete && !body.readableEnded) body.dump().catch(() => body.destroy());
      else if (!body.readableEnded) body.destroy();
    }
    observeTap(reply, tap);
    const completion = !complete && failure === undefined ? tap.completion?.() : undefined;
    if (completion !== undefined && !response.destroyed) {
      // The answer finished and the body ended cleanly: only the end marker is missing. Complete.
      complete = true;
      await response.write(completion);
    }
    if (!complete && !response.destroyed && !signal.aborted) {
      failure ??= new GatewayError(
        "upstream_invalid_response",
        `The stream from ${upstream.providerDisplayName} ended before its end marker (${codec.endMarker}).`,
      );
      // The heartbeat keeps running while another target is asked to continue.
      const continued = await continueRelayed(reply, response, tap, failure, context, options);
      if (!continued) {
        failWith(reply, failure);
        await response.write(tap.errorFrames(failure.withContext(context)));
      }
    }
  } finally {
    heartbeat.stop();
  }
  response.end();
}

function observeTap(reply: FastifyReply, tap: RelayTap): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.usage = tap.usage() ?? observation.usage;
  const finish = tap.finish();
  if (finish !== undefined) {
    observation.finishReasons = finish.reasons;
    if (finish.model !== undefined) observation.responseModel = finish.model;
  }
}

/**
 * Continues a broken relayed stream on another target, written by the dialect's continuation encoder as the
 * rest of the same stream (same ids, block and numbering). Returns whether the stream was continued; a
 * continuation that breaks too ends with its error event.
 */
async function continueRelayed(
  reply: FastifyReply,
  response: ClientStreamWriter,
  tap: RelayTap,
  failure: GatewayError,
  context: ErrorContext,
  options: RelayOptions,
): Promise<boolean> {
  const source = options.continuation;
  if (source === undefined || !continuesAfter(failure)) return false;
  const answer = tap.continuable?.();
  if (answer === undefined) return false;
  const opened = await source(answer.text, failure);
  if (opened === undefined || response.destroyed) return false;
  const usageSoFar = tap.usage();
  noteContinuation(reply, opened.continuation, failure, usageSoFar);
  const observation = reply.request.observation;
  const encoder = answer.encoder(options.includeUsage);
  const events = spliceContinuation(opened, {
    text: answer.text,
    block: 0,
    blockOpen: answer.blockOpen,
    usage: usageSoFar,
  });
  const continuedOn = { route: context.route, target: opened.continuation.to };
  for await (const spliced of events) {
    if (response.destroyed) return true;
    // The usage of both attempts, with the call's cost (the final usage carries it, as on a whole stream).
    const event =
      spliced.type === "usage" && observation !== null ? pricedUsage(spliced, observation.call) : spliced;
    if (event.type === "error") {
      failWith(reply, event.error);
      const error = event.error.withContext(continuedOn);
      await response.write(
        encoder.fail === undefined ? tap.errorFrames(error) : encodeFrames(encoder.fail(error)),
      );
      return true;
    }
    if (event.type === "usage" && observation?.call !== undefined) observation.call.usage = event.usage;
    if (observation !== null) {
      if (event.type === "usage") observation.usage = event.usage;
      else if (event.type === "finish")
        observation.finishReasons = [...(observation.finishReasons ?? []), event.reason ?? "null"];
    }
    const frames = encoder.push(event);
    if (frames.length > 0) await response.write(encodeFrames(frames));
  }
  const last = encoder.finish();
  await options.beforeEnd?.(encoder.final?.());
  await response.write(encodeFrames(last));
  return true;
}

const DATA_COLON = Buffer.from("data:");

/**
 * Whether a frame starts `data:` without the space (valid SSE, TGI's framing, but strict clients and proxies
 * that match `data: ` miss it): such a frame is re-encoded. One byte compared, so relaying stays free.
 */
function spaceless(bytes: Buffer, start: number | undefined): boolean {
  if (start === undefined) return false;
  return bytes[start + 5] !== 0x20 && bytes.subarray(start, start + 5).equals(DATA_COLON);
}

function joinPieces(pieces: (Buffer | string)[]): Buffer {
  return Buffer.concat(pieces.map((piece) => (typeof piece === "string" ? Buffer.from(piece) : piece)));
}

/** The frame that carries a relayed stream's final usage, re-encoded with the call's cost, when it is priced. */
function finalFrameWithCost(
  withCost: (costUsd: number) => string,
  frame: SseFrame,
  tap: RelayTap,
  call: GovernedCall,
): string | undefined {
  const usage = tap.usage();
  if (usage === undefined) return undefined;
  const cost = costOfCall(call, usage);
  return cost.priced ? encodeSseFrame(withCost(Number(nanoToUsd(cost.nano))), frame.event) : undefined;
}

/** The include_usage chunk with the call's cost added to its usage (`usage.cost`, USD), when it is priced. */
function withCost(payload: Record<string, unknown>, call: GovernedCall): Record<string, unknown> {
  const usage = call.usage;
  if (usage === undefined) return payload;
  const cost = costOfCall(call, usage);
  if (!cost.priced) return payload;
  return {
    ...payload,
    usage: { ...(payload.usage as Record<string, unknown>), cost: Number(nanoToUsd(cost.nano)) },
  };
}
