import type { Pool } from "undici";
import type { ChatRequest, CompletionsRequest, StreamDecoder, StreamEvent } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { SseDecoder, type SseFrame } from "../framing/sse-decoder.js";
import type { ByteStreamFormat, HttpOperation, HttpUpstreamTarget } from "../providers/upstream-target.js";
import { isTokenEvent } from "../streaming/commit-point.js";
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

/** Told of a stream frame that was skipped because it could not be read: the provider, and why. */
export type SkippedFrameObserver = (provider: string, reason: string) => void;

/** The start of a bad frame, for the log: enough to recognise it, short enough for a line. */
function preview(data: string): string {
  return JSON.stringify(data.length > 80 ? `${data.slice(0, 80)}...` : data);
}

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
  /** Told of each frame the decoder skipped because it could not read it. */
  onSkippedFrame: SkippedFrameObserver = () => {},
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
    true,
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
  return decodeEventStream(target, opened, format.createDecoder(), signal, onSkippedFrame);
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

/** A decoder of raw bytes that says why it skipped its last unreadable frame, for the log. */
interface ByteDecoder extends StreamDecoder<Uint8Array> {
  readonly lastSkipped?: string | undefined;
}

function sseByteDecoder(decoder: StreamDecoder<SseFrame>): ByteDecoder {
  const frames = new SseDecoder();
  let lastSkipped: string | undefined;
  let skipped = 0;
  const pushFrame = (frame: SseFrame): StreamEvent[] => {
    const events = decoder.push(frame);
    if ((decoder.skippedFrames ?? 0) > skipped) {
      skipped = decoder.skippedFrames ?? 0;
      lastSkipped = `a stream frame is not valid JSON (${preview(frame.data)})`;
    }
    return events;
  };
  return {
    push(chunk) {
      const parsed = frames.push(chunk);
      // Most reads carry one frame: no array to build then.
      if (parsed.length === 1) return pushFrame(parsed[0] as SseFrame);
      const events: StreamEvent[] = [];
      for (const frame of parsed) events.push(...pushFrame(frame));
      return events;
    },
    finish: () => decoder.finish(),
    get skippedFrames() {
      return decoder.skippedFrames;
    },
    get lastSkipped() {
      return lastSkipped;
    },
  };
}

async function* decodeEventStream(
  target: HttpUpstreamTarget,
  opened: OpenedUpstreamCall,
  decoder: StreamDecoder<Uint8Array>,
  signal: CancelSignal,
  onSkippedFrame: SkippedFrameObserver,
): AsyncGenerator<StreamEvent> {
  let skipped = 0;
  let tokenSeen = false;
  try {
    for await (const chunk of opened.response.body) {
      const events = decoder.push(chunk as Buffer);
      if ((decoder.skippedFrames ?? 0) > skipped) {
        skipped = decoder.skippedFrames ?? 0;
        onSkippedFrame(
          target.providerDisplayName,
          (decoder as ByteDecoder).lastSkipped ?? "a stream frame could not be read",
        );
      }
      for (const event of events) {
        if (!tokenSeen && isTokenEvent(event)) {
          tokenSeen = true;
          opened.firstTokenArrived();
        }
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
