import { GatewayError, type Usage } from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { encodeSseFrame } from "../../framing/sse-encoder.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  optionalNumber,
  optionalString,
} from "../narrow.js";
import type { RelayCodec, RelayedFinish, RelayedFrame, RelayTap } from "../relay-codec.js";
import { decodeResponsesUsage } from "./usage.js";

/** The events that end a Responses stream cleanly (https://platform.openai.com/docs/api-reference/responses-streaming). */
const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/**
 * Relaying Responses API answers to a Responses client: a stream is complete at `response.completed` (or
 * `response.incomplete`); `error` and `response.failed` are the upstream's own failure, passed on. Usage is the
 * completed response's. A broken stream ends as the gateway's own Responses streams do: an `error` event and
 * `response.failed`, numbered after the upstream's last event.
 */
export const OPENAI_RESPONSES_RELAY: RelayCodec = {
  readFrame,
  usageOfAnswer: (body) => (isRecord(body) ? decodeResponsesUsage(body.usage) : undefined),
  finishOfAnswer: (body) => (isRecord(body) ? finishOfResponse(body) : undefined),
  endMarker: "response.completed",
  holdsBackErrors: false,
  dataOnlyFrames: false,
  createTap: () => new ResponsesTap(),
};

/** The side tap of one relayed Responses stream: the response as it stands, and the last sequence number. */
export class ResponsesTap implements RelayTap {
  private response: JsonRecord | undefined;
  private lastSequence = -1;

  push(frame: SseFrame): void {
    // Every event carries its sequence number; only the response-level events are parsed whole.
    const match = /"sequence_number":(\d+)/.exec(frame.data);
    if (match !== null) this.lastSequence = Number(match[1]);
    if (!(frame.event ?? "").startsWith("response.") || frame.data.indexOf('"response":') === -1) return;
    try {
      const payload: unknown = JSON.parse(frame.data);
      if (isRecord(payload) && isRecord(payload.response)) this.response = payload.response;
    } catch {
      // readFrame has already judged the frame; a response that cannot be read is simply not kept.
    }
  }

  usage(): Usage | undefined {
    return this.response === undefined ? undefined : decodeResponsesUsage(this.response.usage);
  }

  finish(): RelayedFinish | undefined {
    return this.response === undefined ? undefined : finishOfResponse(this.response);
  }

  /** The completed response, once the stream carried it. */
  final(): JsonRecord | undefined {
    const status = this.response?.status;
    return status === "completed" || status === "incomplete" ? this.response : undefined;
  }

  errorFrames(error: GatewayError): string {
    const code = error.status === 429 ? "rate_limit_exceeded" : "server_error";
    const errorEvent = {
      type: "error",
      code,
      message: error.message,
      param: null,
      sequence_number: ++this.lastSequence,
    };
    // The response as it stood, failed; its usage is left out (the spec allows no null, and none is final).
    const { usage: _partial, ...started } = this.response ?? {};
    const response = { ...started, status: "failed", error: { code, message: error.message } };
    const failed = { type: "response.failed", response, sequence_number: ++this.lastSequence };
    return (
      encodeSseFrame(JSON.stringify(errorEvent), "error") +
      encodeSseFrame(JSON.stringify(failed), "response.failed")
    );
  }
}

/** A response's model, and its status (or why it is incomplete) as its finish reason, once it has one. */
function finishOfResponse(response: JsonRecord): RelayedFinish {
  const model = optionalString(response.model);
  const incomplete = isRecord(response.incomplete_details)
    ? optionalString(response.incomplete_details.reason)
    : undefined;
  const status = optionalString(response.status);
  const reason = incomplete ?? (status === "in_progress" ? undefined : status);
  const reasons = reason === undefined ? [] : [reason];
  return model === undefined ? { reasons } : { model, reasons };
}

function readFrame(frame: SseFrame): RelayedFrame {
  let payload: unknown;
  try {
    payload = JSON.parse(frame.data);
  } catch {
    return { kind: "invalid", error: invalidUpstreamResponse("a stream event's data is not valid JSON") };
  }
  if (!isRecord(payload)) {
    return { kind: "invalid", error: invalidUpstreamResponse("a stream event's data is not a JSON object") };
  }
  const type = optionalString(payload.type) ?? frame.event ?? "";
  if (TERMINAL.has(type)) {
    const response = payload.response;
    if (!isRecord(response) || !isRecord(response.usage)) return { kind: "done" };
    const usage = response.usage;
    const withCost = (cost: number): string =>
      JSON.stringify({ ...payload, response: { ...response, usage: { ...usage, cost } } });
    return { kind: "done", withCost };
  }
  if (type === "error" || type === "response.failed") return { kind: "error", error: failureOf(payload) };
  // Output deltas (text, refusal, reasoning, tool-call arguments) are metered while the stream runs.
  const outputChars = type.endsWith(".delta") && typeof payload.delta === "string" ? payload.delta.length : 0;
  return { kind: "chunk", outputChars };
}

function failureOf(payload: JsonRecord): GatewayError {
  const response = isRecord(payload.response) ? payload.response : {};
  const error = isRecord(response.error) ? response.error : payload;
  const message = optionalString(error.message) ?? "The upstream reported an error in the stream.";
  const rateLimited = error.code === "rate_limit_exceeded" || optionalNumber(error.status) === 429;
  return new GatewayError(rateLimited ? "rate_limited" : "upstream_http_error", message);
}
