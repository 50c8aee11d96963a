import type { FastifyReply } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { decodeUsage } from "../dialects/openai/usage.js";
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

/**
 * Relays an opened upstream stream to the client frame by frame, bytes untouched. The side tap reads every
 * frame: the stream is complete at its end marker or an in-band error (both passed on, nothing after them); a
 * frame the client could not read is held back, and a stream that breaks off or ends without its end marker
 * gets the gateway's explicit error frame. A broken stream never ends like a clean one.
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: CancelSignal,
  /** `strip`: the client did not ask for the usage chunk; the gateway did, to count the stream's usage. */
  usageChunk: "keep" | "strip" = "keep",
): Promise<void> {
  const { upstream, opened, chunks, relay, readFrame } = stream;
  const observation = reply.request.observation;
  const call = observation?.call;
  let complete = false;
  let failure: GatewayError | undefined;
  /**
   * The bytes to pass on: up to the frame that ends the stream, if these frames have one. The usage chunk
   * is left out when the client did not ask for it, or passed on with the call's cost added when it did.
   */
  const relayable = ({ bytes, frames, ends }: RelayedFrames): Buffer => {
    let pieces: Buffer[] | undefined;
    let from = 0;
    const upTo = (end: number): Buffer => {
      if (pieces === undefined) return bytes.subarray(0, end);
      pieces.push(bytes.subarray(from, end));
      return Buffer.concat(pieces);
    };
    for (const [index, frame] of frames.entries()) {
      const chunk = readFrame(frame);
      if (chunk.kind === "chunk") {
        if (call !== undefined) {
          if (chunk.outputChars > 0) {
            call.meteredChars += chunk.outputChars;
            call.meteredChunks++;
          }
          if (chunk.usage !== undefined) call.usage = decodeUsage(chunk.usage, 0);
        }
        if (chunk.usageOnly && call !== undefined) {
          const start = index === 0 ? 0 : (ends[index - 1] as number);
          pieces ??= [];
          pieces.push(bytes.subarray(from, start));
          if (usageChunk === "keep")
            pieces.push(Buffer.from(encodeSseFrame(JSON.stringify(withCost(chunk.payload, call)))));
          from = ends[index] as number;
        }
        continue;
      }
      if (chunk.kind === "invalid") {
        failure = chunk.error;
        failWith(reply, chunk.error);
        return upTo(index === 0 ? 0 : (ends[index - 1] as number));
      }
      // The end marker, or the upstream's own error event (passed on as it is, and counted as a failure).
      if (chunk.kind === "error") failWith(reply, chunk.error);
      complete = true;
      return upTo(ends[index] as number);
    }
    return upTo(bytes.length);
  };
  const first = relayable(stream.first);
  reply.hijack();
  const response = new ClientStreamWriter(reply.raw, 200, {
    ...SSE_HEADERS,
    ...streamResponseHeaders(reply),
  });
  try {
    await response.write(first);
    while (!complete && failure === undefined && !response.destroyed) {
      if (call !== undefined && needsTopUp(call)) {
        failure = await topUpStream(call);
        if (failure !== undefined) break;
      }
      const next = await chunks.next();
      if (next.done === true) break;
      const bytes = relayable(relay.push(next.value as Buffer));
      if (bytes.length > 0) await response.write(bytes);
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
  if (!complete && !response.destroyed && !signal.aborted) {
    failure ??= new GatewayError(
      "upstream_invalid_response",
      `The stream from ${upstream.providerDisplayName} ended before its end marker ([DONE]).`,
    );
    failWith(reply, failure);
    await response.write(encodeSseFrame(JSON.stringify(encodeOpenAIError(failure))));
  }
  response.end();
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
