import type { FastifyReply } from "fastify";
import { GatewayError, type StreamEvent } from "../canonical/index.js";
import { nanoToUsd } from "../config/governance/limit-blocks.js";
import type { DialectStreamEncoder, EncodedFrame } from "../dialects/stream-frame.js";
import { encodeSseFrame } from "../framing/sse-encoder.js";
import { costOfCall } from "../governance/call-account.js";
import type { GovernedCall } from "../governance/governed-call.js";
import { needsTopUp, topUpStream } from "../governance/stream-meter.js";
import { ClientStreamWriter } from "./client-stream-writer.js";
import { writeGovernanceHeaders } from "./governance-headers.js";
import { objectSink } from "./header-sink.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { type RequestObservation, serverTimingHeader, writeTargetHeaders } from "./request-observation.js";
import { SseHeartbeat } from "./sse-heartbeat.js";

/** Turns canonical events into the client dialect's SSE messages (one object per stream). */
export type StreamChunkEncoder = DialectStreamEncoder;

export interface EventStreamOptions {
  encoder: StreamChunkEncoder;
  /** The data text of the dialect's in-stream error frame, for encoders without their own `fail`. */
  encodeError?: (error: GatewayError) => string;
  /** Whether a clean end is marked with `data: [DONE]` (OpenAI's convention). */
  doneMarker: boolean;
  /** Called once a stream has ended cleanly, before its last messages are written (see answerChatIngress). */
  beforeEnd?: () => Promise<void>;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  // Reverse proxies (nginx) buffer responses unless told not to; a buffered stream is no stream.
  "x-accel-buffering": "no",
};

/**
 * Writes a started stream to the client as Server-Sent Events, each chunk as soon as its event arrives, waiting
 * for the socket to drain when the client reads slowly. A stream that breaks ends with the dialect's error
 * frame and never with `[DONE]`; a client that goes away stops the upstream (the event iterator is closed).
 */
export async function sendEventStream(
  reply: FastifyReply,
  events: AsyncIterable<StreamEvent>,
  options: EventStreamOptions,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  reply.hijack();
  const observation = reply.request.observation;
  const response = new ClientStreamWriter(reply.raw, 200, {
    ...SSE_HEADERS,
    ...streamResponseHeaders(reply),
    ...extraHeaders,
  });
  const heartbeat = new SseHeartbeat(response, reply.server.sseHeartbeatMs);
  let failed = false;
  const call = observation?.call;
  try {
    for await (const received of events) {
      if (response.destroyed) return;
      let event = received;
      if (event.type === "error") {
        failWith(reply, event.error);
        await response.write(errorFrames(options, event.error));
        failed = true;
        break;
      }
      if (observation !== null) observeEvent(observation, event);
      if (call !== undefined) {
        if (event.type === "usage") event = pricedUsage(event, call);
        else if (event.type === "text_delta" || event.type === "reasoning_delta")
          call.meteredChars += event.text.length;
        else if (event.type === "tool_arguments_delta") call.meteredChars += event.json.length;
      }
      const chunks = options.encoder.push(event);
      if (chunks.length > 0) {
        heartbeat.wrote();
        await response.write(encodeFrames(chunks));
      }
      if (call !== undefined && needsTopUp(call)) {
        // Leaving the loop closes the events, which aborts the upstream call.
        const cut = await topUpStream(call);
        if (cut !== undefined) {
          failWith(reply, cut);
          if (!response.destroyed) await response.write(errorFrames(options, cut));
          failed = true;
          break;
        }
      }
    }
  } catch (error) {
    // Events end with an error event rather than throwing; this is a defect, but the client must still see it.
    reply.log.error({ err: error }, "stream failed");
    const internal = new GatewayError(
      "internal_error",
      "Internal error: the gateway failed while streaming.",
    );
    failWith(reply, internal);
    if (!response.destroyed) await response.write(errorFrames(options, internal));
    failed = true;
  } finally {
    heartbeat.stop();
  }
  if (!failed && !response.destroyed) {
    const last = options.encoder.finish();
    if (options.doneMarker) last.push("[DONE]");
    await options.beforeEnd?.();
    if (last.length > 0) await response.write(encodeFrames(last));
  }
  response.end();
}

/** The usage event with the call's cost, when the call is priced (the final usage chunk carries it). */
export function pricedUsage(
  event: StreamEvent & { type: "usage" },
  call: GovernedCall,
): StreamEvent & { type: "usage" } {
  const cost = costOfCall(call, event.usage);
  return cost.priced ? { ...event, cost: nanoToUsd(cost.nano) } : event;
}

export function encodeFrames(frames: EncodedFrame[]): string {
  let text = "";
  for (const frame of frames)
    text += typeof frame === "string" ? encodeSseFrame(frame) : encodeSseFrame(frame.data, frame.event);
  return text;
}

/** The dialect's error messages: the encoder's own when it has them, else the error frame it is given. */
function errorFrames(options: EventStreamOptions, error: GatewayError): string {
  if (options.encoder.fail !== undefined) return encodeFrames(options.encoder.fail(error));
  return encodeSseFrame(
    options.encodeError?.(error) ?? JSON.stringify({ error: { message: error.message } }),
  );
}

/** What the observation keeps of a stream's events: its usage, finish reasons and the model that answered. */
function observeEvent(observation: RequestObservation, event: StreamEvent): void {
  if (event.type === "usage") observation.usage = event.usage;
  else if (event.type === "finish")
    observation.finishReasons = [...(observation.finishReasons ?? []), event.reason ?? "null"];
  else if (event.type === "message_start" && event.model !== "") observation.responseModel = event.model;
}

/**
 * A stream that ends with an error frame is counted with that error's status, not the 200 it started with: the
 * metrics say how the request ended.
 */
export function failWith(reply: FastifyReply, error: GatewayError): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.outcomeStatus = error.status;
  observation.errorKind = error.code;
}

/**
 * Marks the stream's first byte in the request's observation and gives the headers a hook would add to other
 * responses (a hijacked response skips the hooks): the request id, Server-Timing, which target served, and the
 * limits' and budgets' state.
 */
export function streamResponseHeaders(reply: FastifyReply): Record<string, string> {
  const observation = reply.request.observation;
  if (observation !== null) {
    observation.streaming = true;
    observation.firstByteMs = reply.elapsedTime;
  }
  const headers: Record<string, string> = {
    [REQUEST_ID_HEADER]: reply.request.id,
    "server-timing": serverTimingHeader(reply.elapsedTime, observation),
  };
  const sink = objectSink(headers);
  writeTargetHeaders(observation, sink);
  if (observation !== null) writeGovernanceHeaders(observation.call, false, sink);
  return headers;
}
