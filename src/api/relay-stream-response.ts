import type { FastifyReply } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { createOpenAIChatStreamEncoder } from "../dialects/openai/chat-stream-encoder.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { RelayedAnswer } from "../dialects/openai/relayed-answer.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import type { RelayedFrames } from "../framing/sse-frame-relay.js";
import type { CancelSignal } from "../routing/cancel-signal.js";
import type { RelayedStream } from "../routing/relay-upstream.js";
import { continuesAfter } from "../routing/stream-continuation.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { type ContinuationSource, spliceContinuation } from "../streaming/continued-stream.js";
import { ClientStreamWriter } from "./client-stream-writer.js";
import { failWith, SSE_HEADERS, streamResponseHeaders } from "./event-stream-response.js";
import { usageOfChunk } from "./relayed-usage.js";
import { noteContinuation, noteSkippedFrame } from "./stream-notes.js";

const DONE_FRAME = encodeSseFrame("[DONE]");

export interface RelayOptions {
  /** Mid-stream continuation on another target, when the route has it. */
  continuation?: ContinuationSource | undefined;
  /** `stream_options.include_usage`: a continuation ends with a usage chunk too. */
  includeUsage: boolean;
}

/**
 * Relays an opened upstream stream to the client frame by frame, bytes untouched. The side tap reads every
 * frame: the stream is complete at its end marker, or when its body ends after every choice finished (the
 * gateway adds the `[DONE]` the upstream left out). A frame that cannot be read is skipped, logged and counted.
 * A stream that breaks off, stalls or carries an error is continued on another target when the route allows
 * it (mid-stream continuation); otherwise the upstream's in-band error is passed on as it is, and any other
 * break gets the gateway's explicit error frame. A broken stream never ends like a clean one.
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: CancelSignal,
  options: RelayOptions = { includeUsage: false },
): Promise<void> {
  const { upstream, opened, chunks, relay, readFrame } = stream;
  const observation = reply.request.observation;
  const answer = new RelayedAnswer();
  let complete = false;
  let failure: GatewayError | undefined;
  /** The upstream's own in-band error frame, passed on unless a continuation repairs the stream. */
  let inBandError: Buffer | undefined;
  /** The bytes to pass on: the frames up to the one that ends the stream, without unreadable ones. */
  const relayable = ({ bytes, frames, ends }: RelayedFrames): Buffer => {
    const kept: Buffer[] = [];
    let from = 0;
    for (const [index, frame] of frames.entries()) {
      const end = ends[index] ?? bytes.length;
      const chunk = readFrame(frame);
      if (chunk.kind === "chunk") {
        answer.push(chunk.payload);
        if (observation !== null) observation.usage = usageOfChunk(frame.data) ?? observation.usage;
        continue;
      }
      kept.push(bytes.subarray(from, index === 0 ? from : (ends[index - 1] ?? from)));
      from = end;
      if (chunk.kind === "unreadable") {
        noteSkippedFrame(reply, upstream.providerDisplayName, chunk.error.message);
        continue;
      }
      if (chunk.kind === "done") {
        complete = true;
        kept.push(bytes.subarray(index === 0 ? 0 : (ends[index - 1] ?? 0), end));
      } else {
        failure = chunk.error;
        if (chunk.kind === "error")
          inBandError = bytes.subarray(index === 0 ? 0 : (ends[index - 1] ?? 0), end);
      }
      return Buffer.concat(kept);
    }
    kept.push(bytes.subarray(from));
    return kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept);
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
    const continued = await continueRelayed(reply, response, answer, failure, options);
    if (!continued) {
      failWith(reply, failure);
      await response.write(inBandError ?? encodeSseFrame(JSON.stringify(encodeOpenAIError(failure))));
    }
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
  for await (const event of events) {
    if (response.destroyed) return true;
    if (event.type === "error") {
      failWith(reply, event.error);
      await response.write(encodeSseFrame(JSON.stringify(encodeOpenAIError(event.error))));
      return true;
    }
    if (event.type === "usage" && observation !== null) observation.usage = event.usage;
    const chunks = encoder.push(event);
    if (chunks.length > 0) await response.write(chunks.map((chunk) => encodeSseFrame(chunk)).join(""));
  }
  const last = encoder.finish().map((chunk) => encodeSseFrame(chunk));
  await response.write(`${last.join("")}${DONE_FRAME}`);
  return true;
}
