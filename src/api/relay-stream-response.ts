import type { FastifyReply } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import type { RelayedStream } from "../routing/relay-upstream.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { SSE_HEADERS, streamResponseHeaders, write } from "./event-stream-response.js";
import { usageOfChunk } from "./relayed-usage.js";

/**
 * Relays an opened upstream stream to the client frame by frame, bytes untouched. The side tap watches the
 * frames: a stream that ends without `[DONE]` or an in-band error, or breaks off, gets an explicit error frame.
 */
export async function sendRelayedStream(
  reply: FastifyReply,
  stream: RelayedStream,
  signal: AbortSignal,
): Promise<void> {
  const { upstream, opened, chunks, relay } = stream;
  const observation = reply.request.observation;
  let ended = false;
  const watch = (frames: SseFrame[]): void => {
    for (const frame of frames) {
      if (frame.data === "[DONE]" || isErrorChunk(frame.data)) ended = true;
      else if (observation !== null) observation.usage = usageOfChunk(frame.data) ?? observation.usage;
    }
  };
  watch(stream.first.frames);
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, { ...SSE_HEADERS, ...streamResponseHeaders(reply) });
  let failure: GatewayError | undefined;
  try {
    await write(response, stream.first.bytes);
    while (!ended && !response.destroyed) {
      const next = await chunks.next();
      if (next.done === true) break;
      const { bytes, frames } = relay.push(next.value as Buffer);
      watch(frames);
      if (bytes.length > 0) await write(response, bytes);
    }
  } catch (error) {
    if (!signal.aborted)
      failure = upstreamFailure(error, upstream.providerDisplayName, opened.totalTimeout.aborted, true);
  } finally {
    if (!opened.response.body.readableEnded) opened.response.body.destroy();
  }
  if (!ended && !response.destroyed && !signal.aborted) {
    failure ??= new GatewayError(
      "upstream_invalid_response",
      `The stream from ${upstream.providerDisplayName} ended before its end marker ([DONE]).`,
    );
    await write(response, encodeSseFrame(JSON.stringify(encodeOpenAIError(failure))));
  }
  response.end();
}

/** OpenAI-shaped servers report a failure mid-stream as a chunk `{"error": {...}}`, which ends the stream. */
function isErrorChunk(data: string): boolean {
  if (!data.includes('"error"')) return false;
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    return typeof parsed === "object" && parsed !== null && "error" in parsed && parsed.error !== null;
  } catch {
    // Not JSON: not an error chunk; the client will see the upstream's frame as it was.
    return false;
  }
}
