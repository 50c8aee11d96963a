import type { FastifyReply } from "fastify";
import { type ChatRequest, GatewayError } from "../canonical/index.js";
import { createOpenAIChatStreamEncoder } from "../dialects/openai/chat-stream-encoder.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { createResponseId } from "../dialects/openai/response-id.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import { SseFrameRelay } from "../framing/sse-frame-relay.js";
import type { HttpUpstreamTarget } from "../providers/upstream-target.js";
import type { Route } from "../routing/route-table.js";
import {
  type OpenedUpstreamCall,
  operationOf,
  readUpstreamText,
  sendUpstreamCall,
} from "../routing/upstream-client.js";
import { upstreamFailure } from "../routing/upstream-failure.js";
import { decodeUpstreamBody, upstreamHttpError } from "../routing/upstream-response.js";
import type { PassThrough } from "../streaming/pass-through.js";
import { responseToEvents } from "../streaming/response-to-events.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { SSE_HEADERS, sendEventStream, streamTimingHeaders, write } from "./event-stream-response.js";
import { usageOfBody, usageOfChunk } from "./relayed-usage.js";

/**
 * Answers by relaying the upstream's bytes: the request body goes up as the client sent it (with the route's
 * model), and the answer comes back as the upstream sent it. Errors are still the gateway's (mapped, redacted),
 * and a stream that breaks still ends with an explicit error frame.
 */
export async function relayAnswer(
  reply: FastifyReply,
  route: Route,
  passThrough: PassThrough,
  body: Record<string, unknown>,
  /** The decoded request when it is a chat stream (for an upstream that answers it without streaming). */
  chatStream: ChatRequest | undefined,
): Promise<unknown> {
  const streaming = chatStream !== undefined;
  const upstream = passThrough.target.upstream as HttpUpstreamTarget;
  const pool = passThrough.target.pool;
  if (pool === undefined)
    throw new GatewayError("internal_error", `Route '${route.name}' has no connection pool.`);
  const signal = clientAbortSignal(reply.raw);
  const started = performance.now();
  const opened = await sendUpstreamCall(upstream, pool, passThrough.prepare(body), signal, route.timeouts);
  const { statusCode, headers } = opened.response;
  const contentType = String(headers["content-type"] ?? "");
  if (streaming && statusCode < 400 && /^text\/event-stream\b/i.test(contentType)) {
    await relayEventStream(reply, upstream, opened, signal, started);
    return reply;
  }
  const text = await readUpstreamText(upstream, opened, signal);
  const observation = reply.request.observation;
  if (observation !== null) observation.upstreamMs = performance.now() - started;
  if (statusCode >= 400 || !/\bjson\b/i.test(contentType)) {
    // Mapped like any upstream answer: 4xx/5xx keep their status and message (redacted), non-JSON is a 502.
    throw upstreamHttpError(
      upstream,
      statusCode,
      headers,
      decodeUpstreamBody(upstream, statusCode, headers, text),
    );
  }
  if (chatStream !== undefined) {
    // The upstream ignored `stream` and sent one JSON body: stream it to the client all the same.
    const response = operationOf(upstream, "chat").decodeResponse(JSON.parse(text), chatStream);
    const encoder = createOpenAIChatStreamEncoder({
      id: createResponseId("chatcmpl"),
      model: route.name,
      created: Math.floor(Date.now() / 1000),
      includeUsage: chatStream.streamIncludeUsage === true,
    });
    await sendEventStream(reply, responseToEvents(response), {
      encoder,
      encodeError: encodeErrorFrame,
      doneMarker: true,
    });
    return reply;
  }
  if (observation !== null) observation.usage = usageOfBody(text);
  return reply.type("application/json").send(text);
}

/**
 * Relays an event stream frame by frame. Nothing is sent until the first complete frame arrives (the commit
 * point: a failure before it is an ordinary HTTP error). The side tap watches the frames: a stream that ends
 * without `[DONE]` or an in-band error, or breaks off, gets an explicit error frame.
 */
async function relayEventStream(
  reply: FastifyReply,
  upstream: HttpUpstreamTarget,
  opened: OpenedUpstreamCall,
  signal: AbortSignal,
  started: number,
): Promise<void> {
  const observation = reply.request.observation;
  const body = opened.response.body;
  const chunks = body[Symbol.asyncIterator]();
  const relay = new SseFrameRelay();
  let ended = false;
  const observe = (frames: SseFrame[]): void => {
    for (const frame of frames) {
      if (frame.data === "[DONE]" || isErrorChunk(frame.data)) ended = true;
      else if (observation !== null) observation.usage = usageOfChunk(frame.data) ?? observation.usage;
    }
  };
  let first: Buffer | undefined;
  try {
    while (first === undefined) {
      const next = await chunks.next();
      if (next.done === true) break;
      const { bytes, frames } = relay.push(next.value as Buffer);
      observe(frames);
      if (bytes.length > 0) first = bytes;
    }
  } catch (error) {
    body.destroy();
    if (signal.aborted) throw signal.reason;
    throw upstreamFailure(error, upstream.providerDisplayName, opened.totalTimeout.aborted);
  }
  if (first === undefined) {
    throw new GatewayError(
      "upstream_invalid_response",
      `${upstream.providerDisplayName} ended the stream without sending anything.`,
    );
  }
  if (observation !== null) observation.upstreamMs = performance.now() - started;
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, { ...SSE_HEADERS, ...streamTimingHeaders(reply) });
  let failure: GatewayError | undefined;
  try {
    await write(response, first);
    while (!ended && !response.destroyed) {
      const next = await chunks.next();
      if (next.done === true) break;
      const { bytes, frames } = relay.push(next.value as Buffer);
      observe(frames);
      if (bytes.length > 0) await write(response, bytes);
    }
  } catch (error) {
    if (!signal.aborted)
      failure = upstreamFailure(error, upstream.providerDisplayName, opened.totalTimeout.aborted, true);
  } finally {
    if (!body.readableEnded) body.destroy();
  }
  if (!ended && !response.destroyed && !signal.aborted) {
    failure ??= new GatewayError(
      "upstream_invalid_response",
      `The stream from ${upstream.providerDisplayName} ended before its end marker ([DONE]).`,
    );
    await write(response, encodeSseFrame(encodeErrorFrame(failure)));
  }
  response.end();
}

function encodeErrorFrame(error: GatewayError): string {
  return JSON.stringify(encodeOpenAIError(error));
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
