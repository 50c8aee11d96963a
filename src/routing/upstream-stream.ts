import type { Pool } from "undici";
import type { ChatRequest, CompletionsRequest, StreamDecoder, StreamEvent } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { SseDecoder, type SseFrame } from "../framing/sse-decoder.js";
import type { ByteStreamFormat, HttpOperation, HttpUpstreamTarget } from "../providers/upstream-target.js";
import { responseToEvents } from "../streaming/response-to-events.js";
import type { CancelSignal } from "./cancel-signal.js";
import {
  callHttpUpstream,
  type OpenedUpstreamCall,
  operationOf,
  readUpstreamText,
  sendUpstreamCall,
} from "./upstream-client.js";
import { upstreamFailure } from "./upstream-failure.js";
import { decodeUpstreamBody, upstreamHttpError } from "./upstream-response.js";

export type StreamingOperation = "chat" | "completions";

/**
 * Opens a streaming call to an HTTP upstream and returns its canonical events as they arrive. An error answer
 * (status >= 400) is thrown; a body that breaks off, stalls past the idle timeout or carries an error event ends
 * the events with an error event.
 */
export async function openHttpStream<O extends StreamingOperation>(
  target: HttpUpstreamTarget,
  pool: Pool,
  operation: O,
  request: O extends "chat" ? ChatRequest : CompletionsRequest,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<AsyncIterable<StreamEvent>> {
  const codec = operationOf(target, operation);
  const format = streamFormatOf(codec);
  if (format === undefined) {
    // An upstream that cannot stream (an MLflow model server): its whole answer, replayed as a stream.
    const whole = await callHttpUpstream(target, pool, operation, request, signal, timeouts);
    return responseToEvents(whole);
  }
  const streamingRequest = { ...request, stream: true };
  const opened = await sendUpstreamCall(
    target,
    pool,
    codec.encodeRequest(streamingRequest),
    signal,
    timeouts,
  );
  const { statusCode, headers } = opened.response;
  if (statusCode >= 400 || !format.contentType.test(String(headers["content-type"] ?? ""))) {
    const body = decodeUpstreamBody(
      target,
      statusCode,
      headers,
      await readUpstreamText(target, opened, signal),
    );
    if (statusCode >= 400) throw upstreamHttpError(target, statusCode, headers, body);
    // Some compatible servers ignore `stream` and answer with one JSON body: serve it as a stream all the same.
    return responseToEvents(codec.decodeResponse(body, streamingRequest));
  }
  return decodeEventStream(target, opened, format.createDecoder(), signal);
}

const SSE_CONTENT_TYPE = /^text\/event-stream\b/i;

/** The operation's stream format: its own byte-stream format, or SSE frames fed to its SSE decoder. */
function streamFormatOf(codec: HttpOperation<StreamingOperation>): ByteStreamFormat | undefined {
  if (codec.byteStream !== undefined) return codec.byteStream;
  const createFrameDecoder = codec.createStreamDecoder;
  if (createFrameDecoder === undefined) return undefined;
  return {
    contentType: SSE_CONTENT_TYPE,
    createDecoder: () => sseByteDecoder(createFrameDecoder.call(codec)),
  };
}

function sseByteDecoder(decoder: StreamDecoder<SseFrame>): StreamDecoder<Uint8Array> {
  const frames = new SseDecoder();
  return {
    push(chunk) {
      const parsed = frames.push(chunk);
      // Most reads carry one frame: no array to build then.
      if (parsed.length === 1) return decoder.push(parsed[0] as SseFrame);
      const events: StreamEvent[] = [];
      for (const frame of parsed) events.push(...decoder.push(frame));
      return events;
    },
    finish: () => decoder.finish(),
  };
}

async function* decodeEventStream(
  target: HttpUpstreamTarget,
  opened: OpenedUpstreamCall,
  decoder: StreamDecoder<Uint8Array>,
  signal: CancelSignal,
): AsyncGenerator<StreamEvent> {
  try {
    for await (const chunk of opened.response.body) {
      for (const event of decoder.push(chunk as Buffer)) {
        yield event;
        if (event.type === "error") return;
      }
    }
  } catch (error) {
    // A client that went away needs no error event; anything else broke the stream and must be said.
    if (signal.aborted) return;
    yield {
      type: "error",
      error: upstreamFailure(error, target.providerDisplayName, opened.timedOut(), true),
    };
    return;
  } finally {
    // Ending early (error event, client gone) must not leave the upstream socket streaming into the void.
    if (!opened.response.body.readableEnded) opened.response.body.destroy();
  }
  yield* decoder.finish();
}
