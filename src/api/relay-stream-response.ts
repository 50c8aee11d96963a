import type { FastifyReply } from "fastify";
import { type ErrorContext, GatewayError } from "../canonical/index.js";
import { createOpenAIChatStreamEncoder } from "../dialects/openai/chat-stream-encoder.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { RelayedAnswer } from "../dialects/openai/relayed-answer.js";
import { splitStreamUsage } from "../dialects/openai/stream-usage.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import type { RelayedFrames } from "../framing/sse-frame-relay.js";
import type { CancelSignal } from "../routing/cancel-signal.js";
import type { RelayedStream } from "../routing/relay-upstream.js";
import { continuesAfter } from "../routing/stream-continuation.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { type ContinuationSource, spliceContinuation } from "../streaming/continued-stream.js";
import { ClientStreamWriter } from "./client-stream-writer.js";
import { failWith, SSE_HEADERS, streamResponseHeaders } from "./event-stream-response.js";
import { finishOfChunk, usageOfChunk } from "./relayed-usage.js";
import { SseHeartbeat } from "./sse-heartbeat.js";
import { noteContinuation, noteSkippedFrame } from "./stream-notes.js";

const DONE_FRAME = encodeSseFrame("[DONE]");

export interface RelayOptions {
  /** Mid-stream continuation on another target, when the route has it. */
  continuation?: ContinuationSource | undefined;
  /** The client's `stream_options.include_usage`: for upstreams that send usage unasked, and a continuation
   * ends with a usage chunk too. */
  includeUsage: boolean;
}

/**
 * Relays an opened upstream stream to the client frame by frame. The side tap reads every frame: the stream is
 * complete at its end marker (passed on, nothing after it), or when its body ends after every choice finished
 * (the gateway adds the `[DONE]` the upstream left out). A frame that cannot be read is skipped, logged and
 * counted. A stream that breaks off, stalls or carries an error is continued on another target when the route
 * allows it (mid-stream continuation); otherwise it ends with the gateway's error frame in OpenAI's envelope
 * (carrying the upstream's message, type and code, the route and the target). A broken stream never ends like
 * a clean one. Frames go on as the upstream's bytes unless the provider declares a difference (a rewrite, or
 * framing to normalise).
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: CancelSignal,
  context: ErrorContext,
  options: RelayOptions,
): Promise<void> {
  const { upstream, opened, chunks, relay, readFrame, quirks } = stream;
  const { rewrite, normaliseFraming = false, usageOnLastChunk = false } = quirks;
  /** The data texts to send for a chunk instead of its bytes, or undefined to relay them as they are. */
  const replace = (data: string): string[] | undefined => {
    const rewritten = rewrite?.(data);
    const split = usageOnLastChunk ? splitStreamUsage(rewritten ?? data, options.includeUsage) : undefined;
    if (split !== undefined) return split;
    if (rewritten !== undefined || normaliseFraming) return [rewritten ?? data];
    return undefined;
  };
  const observation = reply.request.observation;
  const answer = new RelayedAnswer();
  let complete = false;
  let failure: GatewayError | undefined;
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
      const chunk = readFrame(frame);
      if (chunk.kind === "chunk") {
        answer.push(chunk.payload);
        if (observation !== null) {
          observation.usage = usageOfChunk(frame.data) ?? observation.usage;
          const finish = finishOfChunk(frame.data);
          if (finish !== undefined) {
            observation.finishReasons = [...(observation.finishReasons ?? []), ...finish.reasons];
            if (finish.model !== undefined) observation.responseModel = finish.model;
          }
        }
        const changed = replace(frame.data) ?? (spaceless(bytes, starts[index]) ? [frame.data] : undefined);
        if (changed === undefined) continue;
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), ...changed.map((data) => encodeSseFrame(data)));
        copied = ends[index] ?? bytes.length;
        continue;
      }
      if (chunk.kind === "unreadable") {
        // Lenient parsing: a garbled frame is left out and the stream goes on.
        noteSkippedFrame(reply, upstream.providerDisplayName, chunk.error.message);
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]));
        copied = ends[index] ?? bytes.length;
        continue;
      }
      if (chunk.kind !== "done") {
        // An in-band error or a failure the client could not read: held back; the stream is continued
        // elsewhere or ends with the gateway's error frame.
        failure = chunk.error;
        return cutAt(starts[index] ?? 0);
      }
      complete = true;
      if (normaliseFraming || spaceless(bytes, starts[index])) {
        pieces ??= [];
        pieces.push(bytes.subarray(copied, starts[index]), DONE_FRAME);
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
      await response.write(first);
      while (!complete && failure === undefined && !response.destroyed) {
        const next = await chunks.next();
        if (next.done === true) break;
        const bytes = relayable(relay.push(next.value as Buffer));
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
    if (!complete && failure === undefined && answer.finished && !response.destroyed) {
      // Every choice finished and the body ended cleanly: only the end marker is missing. Complete.
      complete = true;
      await response.write(DONE_FRAME);
    }
    if (!complete && !response.destroyed && !signal.aborted) {
      failure ??= new GatewayError(
        "upstream_invalid_response",
        `The stream from ${upstream.providerDisplayName} ended before its end marker ([DONE]).`,
      );
      // The heartbeat keeps running while another target is asked to continue.
      const continued = await continueRelayed(reply, response, answer, failure, context, options);
      if (!continued) {
        failWith(reply, failure);
        await response.write(encodeSseFrame(JSON.stringify(encodeOpenAIError(failure.withContext(context)))));
      }
    }
  } finally {
    heartbeat.stop();
  }
  response.end();
}

/**
 * Continues a broken relayed stream on another target, in OpenAI chunks with the relayed stream's id, created
 * and model, choice 0 (its role chunk already went out). Returns whether the stream was continued; a
 * continuation that breaks too ends with its error frame.
 */
async function continueRelayed(
  reply: FastifyReply,
  response: ClientStreamWriter,
  answer: RelayedAnswer,
  failure: GatewayError,
  context: ErrorContext,
  options: RelayOptions,
): Promise<boolean> {
  const source = options.continuation;
  if (source === undefined || !answer.continuable || answer.finished || !continuesAfter(failure))
    return false;
  const opened = await source(answer.text, failure);
  if (opened === undefined || response.destroyed) return false;
  noteContinuation(reply, opened.continuation, failure);
  const observation = reply.request.observation;
  const encoder = createOpenAIChatStreamEncoder({
    id: answer.id ?? "",
    model: answer.model ?? observation?.route ?? "",
    created: answer.created ?? Math.floor(Date.now() / 1000),
    includeUsage: options.includeUsage,
    continuing: true,
  });
  const events = spliceContinuation(opened, {
    text: answer.text,
    block: 0,
    blockOpen: true,
    usage: observation?.usage,
  });
  const continuedOn = { route: context.route, target: opened.continuation.to };
  for await (const event of events) {
    if (response.destroyed) return true;
    if (event.type === "error") {
      failWith(reply, event.error);
      const frame = encodeOpenAIError(event.error.withContext(continuedOn));
      await response.write(encodeSseFrame(JSON.stringify(frame)));
      return true;
    }
    if (observation !== null) {
      if (event.type === "usage") observation.usage = event.usage;
      else if (event.type === "finish")
        observation.finishReasons = [...(observation.finishReasons ?? []), event.reason ?? "null"];
    }
    const chunks = encoder.push(event);
    if (chunks.length > 0) await response.write(chunks.map((chunk) => encodeSseFrame(chunk)).join(""));
  }
  const last = encoder.finish().map((chunk) => encodeSseFrame(chunk));
  await response.write(`${last.join("")}${DONE_FRAME}`);
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
