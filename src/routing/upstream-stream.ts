import type { Pool } from "undici";
import type { ChatRequest, CompletionsRequest, StreamEvent } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { SseDecoder } from "../framing/sse-decoder.js";
import type { HttpUpstreamTarget } from "../providers/upstream-target.js";
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
  const createDecoder = codec.createStreamDecoder;
  if (createDecoder === undefined) {
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
  if (statusCode >= 400 || !/^text\/event-stream\b/i.test(String(headers["content-type"] ?? ""))) {
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
  return decodeEventStream(target, opened, createDecoder.call(codec), signal);
}

async function* decodeEventStream(
  target: HttpUpstreamTarget,
  opened: OpenedUpstreamCall,
  decoder: ReturnType<NonNullable<ReturnType<typeof operationOf>["createStreamDecoder"]>>,
  signal: CancelSignal,
): AsyncGenerator<StreamEvent> {
  const frames = new SseDecoder();
  try {
    for await (const chunk of opened.response.body) {
      for (const frame of frames.push(chunk as Buffer)) {
        for (const event of decoder.push(frame)) {
          yield event;
          if (event.type === "error") return;
        }
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
