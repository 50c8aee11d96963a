import type { FastifyReply } from "fastify";
import { type ErrorContext, GatewayError } from "../canonical/index.js";
import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { splitStreamUsage } from "../dialects/openai/stream-usage.js";
import type { RelayTap } from "../dialects/relay-codec.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import type { RelayedFrames } from "../framing/sse-frame-relay.js";
import type { GovernedCall } from "../governance/governed-call.js";
import { costOf } from "../governance/prices/cost.js";
import { needsTopUp, topUpStream } from "../governance/stream-meter.js";
import type { CancelSignal } from "../routing/cancel-signal.js";
import type { RelayedStream } from "../routing/relay-upstream.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { ClientStreamWriter } from "./client-stream-writer.js";
import { failWith, SSE_HEADERS, streamResponseHeaders } from "./event-stream-response.js";
import { SseHeartbeat } from "./sse-heartbeat.js";

/**
 * Relays an opened upstream stream to the client frame by frame. The side tap reads every frame (usage, the
 * response model and finish reasons): the stream is complete at its end marker (passed on, nothing after it); an
 * in-band error ends it, passed on as the upstream sent it, or (OpenAI-shaped relays, whose compatible servers
 * use several shapes) held back and replaced by the gateway's error frame in OpenAI's envelope carrying the
 * upstream's message, type and code, the route and the target; a frame the client could not read is held back
 * and a stream that breaks off or ends without its end marker gets the gateway's explicit error event in the
 * dialect. A broken stream never ends like a clean one. Frames go on as the upstream's bytes unless the provider
 * declares a difference (a rewrite, or framing to normalise). `beforeEnd` is called with the side tap once the
 * stream's terminal frame has arrived, before it is written (see answerChatIngress).
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: CancelSignal,
  context: ErrorContext,
  /** The client's `stream_options.include_usage`, for upstreams that send usage unasked. */
  includeUsage: boolean,
  beforeEnd?: (tap: RelayTap) => Promise<void>,
): Promise<void> {
  const { upstream, opened, chunks, relay, codec, quirks } = stream;
  const tap = codec.createTap();
  const { rewrite, normaliseFraming = false, usageOnLastChunk = false } = quirks;
  const reframesSpaceless = codec.dataOnlyFrames;
  /** The data texts to send for a chunk instead of its bytes, or undefined to relay them as they are. */
  const replace = (data: string): string[] | undefined => {
    const rewritten = rewrite?.(data);
    const split = usageOnLastChunk ? splitStreamUsage(rewritten ?? data, includeUsage) : undefined;
    if (split !== undefined) return split;
    if (rewritten !== undefined || normaliseFraming) return [rewritten ?? data];
    return undefined;
  };
  const observation = reply.request.observation;
  const call = observation?.call;
  let complete = false;
  let failure: GatewayError | undefined;
  /** What to pass on of these frames: up to the frame that ends the stream, each rewritten if it must be. */
  const relayable = ({ bytes, frames, starts, ends }: RelayedFrames): Buffer => {
    // Built only when a frame is rewritten: then the output is the changed frames between untouched runs.
    let pieces: (Buffer | string)[] | undefined;
    let copied = 0;
    const cutAt = (offset: number): Buffer => {
      if (pieces === undefined) return bytes.subarray(0, offset);
      pieces.push(bytes.subarray(copied, offset));
      return joinPieces(pieces);
    };
    for (const [index, frame] of frames.entries()) {
      const chunk = codec.readFrame(frame);
      if (chunk.kind === "chunk") {
        tap.push(frame);
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
            if (includeUsage) pieces.push(encodeSseFrame(JSON.stringify(withCost(chunk.usageOnly, call))));
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
          replace(frame.data) ??
          (reframesSpaceless && spaceless(bytes, starts[index]) ? [frame.data] : undefined);
        if (changed === undefined) continue;
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), ...changed.map((data) => encodeSseFrame(data)));
        copied = ends[index] ?? bytes.length;
        continue;
      }
      if (chunk.kind === "invalid" || (chunk.kind === "error" && codec.holdsBackErrors)) {
        // Held back: the stream ends with the gateway's error frame.
        failure = chunk.error;
        failWith(reply, chunk.error);
        return cutAt(starts[index] ?? 0);
      }
      tap.push(frame);
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
        pieces.push(bytes.subarray(copied, starts[index]), encodeSseFrame("[DONE]"));
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
    if (complete) await beforeEnd?.(tap);
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
      if (complete) await beforeEnd?.(tap);
      if (bytes.length > 0) {
        heartbeat.wrote();
        await response.write(bytes);
      }
    }
  } catch (error) {
    if (!signal.aborted)
      failure = upstreamFailure(error, upstream.providerDisplayName, opened.timedOut(), true);
  } finally {
    heartbeat.stop();
    const body = opened.response.body;
    // A complete stream usually has only its end left to arrive: reading it keeps the upstream connection
    // reusable (destroying the body closes the socket, and the next request pays for a new connection).
    // A broken or abandoned stream is cut off.
    if (complete && !body.readableEnded) body.dump().catch(() => body.destroy());
    else if (!body.readableEnded) body.destroy();
  }
  if (observation !== null) {
    observation.usage = tap.usage() ?? observation.usage;
    const finish = tap.finish();
    if (finish !== undefined) {
      observation.finishReasons = finish.reasons;
      if (finish.model !== undefined) observation.responseModel = finish.model;
    }
  }
  if (!complete && !response.destroyed && !signal.aborted) {
    failure ??= new GatewayError(
      "upstream_invalid_response",
      `The stream from ${upstream.providerDisplayName} ended before its end marker (${codec.endMarker}).`,
    );
    failWith(reply, failure);
    await response.write(tap.errorFrames(failure.withContext(context)));
  }
  response.end();
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
  const cost = costOf(call.target?.price ?? call.reservation?.price, usage, call.startedAtMs);
  return cost.priced ? encodeSseFrame(withCost(Number(nanoToUsd(cost.nano))), frame.event) : undefined;
}

/** The include_usage chunk with the call's cost added to its usage (`usage.cost`, USD), when it is priced. */
function withCost(payload: Record<string, unknown>, call: GovernedCall): Record<string, unknown> {
  const usage = call.usage;
  if (usage === undefined) return payload;
  const cost = costOf(call.target?.price ?? call.reservation?.price, usage, call.startedAtMs);
  if (!cost.priced) return payload;
  return {
    ...payload,
    usage: { ...(payload.usage as Record<string, unknown>), cost: Number(nanoToUsd(cost.nano)) },
  };
}
