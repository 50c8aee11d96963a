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
import type {
  RelayCodec,
  RelayedAnswerSoFar,
  RelayedFinish,
  RelayedFrame,
  RelayTap,
} from "../relay-codec.js";
import { ContinuedResponseEncoder } from "./continued-response-encoder.js";
import { decodeResponsesUsage } from "./usage.js";

/** The events that end a Responses stream cleanly (https://platform.openai.com/docs/api-reference/responses-streaming). */
const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/**
 * Relaying Responses API answers to a Responses client: a stream is complete at `response.completed` (or
 * `response.incomplete`); `error` and `response.failed` are the upstream's own failure, passed on. Usage is the
 * completed response's. A broken stream ends as the gateway's own Responses streams do: an `error` event and
 * `response.failed`, numbered after the upstream's last event. An event that is not JSON is skipped (lenient
 * parsing); a broken text answer can be continued, as the rest of the same response.
 */
export const OPENAI_RESPONSES_RELAY: RelayCodec = {
  readFrame,
  carriesToken,
  endsWithAnswer: true,
  renumber: (data, skipped) =>
    data.replace(
      /"sequence_number":(\d+)/,
      (_field, number: string) => `"sequence_number":${Number(number) - skipped}`,
    ),
  usageOfAnswer: (body) => (isRecord(body) ? decodeResponsesUsage(body.usage, body.service_tier) : undefined),
  finishOfAnswer: (body) => (isRecord(body) ? finishOfResponse(body) : undefined),
  endMarker: "response.completed",
  holdsBackErrors: false,
  dataOnlyFrames: false,
  createTap: () => new ResponsesTap(),
};

/**
 * The side tap of one relayed Responses stream: the response as it stands, the last sequence number, and, for
 * mid-stream continuation, the output items finished and the message being written.
 */
export class ResponsesTap implements RelayTap {
  private response: JsonRecord | undefined;
  private lastSequence = -1;
  private readonly output: JsonRecord[] = [];
  private open: { id: string; outputIndex: number; text: string } | undefined;
  private textOnly = true;

  push(frame: SseFrame, payload?: JsonRecord): void {
    // Every event carries its sequence number; only the response-level events are parsed whole.
    const match = /"sequence_number":(\d+)/.exec(frame.data);
    if (match !== null) this.lastSequence = Number(match[1]);
    if (payload !== undefined) this.follow(payload);
    if (!(frame.event ?? "").startsWith("response.") || frame.data.indexOf('"response":') === -1) return;
    try {
      const payload: unknown = JSON.parse(frame.data);
      if (isRecord(payload) && isRecord(payload.response)) this.response = payload.response;
    } catch {
      // readFrame has already judged the frame; a response that cannot be read is simply not kept.
    }
  }

  usage(): Usage | undefined {
    const response = this.response;
    return response === undefined ? undefined : decodeResponsesUsage(response.usage, response.service_tier);
  }

  finish(): RelayedFinish | undefined {
    return this.response === undefined ? undefined : finishOfResponse(this.response);
  }

  /** The completed response, once the stream carried it. */
  final(): JsonRecord | undefined {
    const status = this.response?.status;
    return status === "completed" || status === "incomplete" ? this.response : undefined;
  }

  continuable(): RelayedAnswerSoFar | undefined {
    const response = this.response;
    if (!this.textOnly || response === undefined || response.status !== "in_progress") return undefined;
    const state = {
      response,
      sequence: this.lastSequence + 1,
      output: this.output,
      open: this.open,
    };
    const text = this.output
      .filter((item) => item?.type === "message")
      .map(messageText)
      .concat(this.open?.text ?? "")
      .join("");
    return { text, blockOpen: this.open !== undefined, encoder: () => new ContinuedResponseEncoder(state) };
  }

  /** Follows the output items: finished ones, the message being written, and whether all are text. */
  private follow(payload: JsonRecord): void {
    const item = isRecord(payload.item) ? payload.item : undefined;
    const outputIndex = optionalNumber(payload.output_index);
    switch (payload.type) {
      case "response.output_item.added":
        if (item?.type === "message" && typeof item.id === "string" && outputIndex !== undefined)
          this.open = { id: item.id, outputIndex, text: "" };
        else if (item?.type !== "reasoning") this.textOnly = false;
        return;
      case "response.output_text.delta":
        if (this.open !== undefined && payload.item_id === this.open.id && typeof payload.delta === "string")
          this.open.text += payload.delta;
        return;
      case "response.output_item.done":
        if (item === undefined || outputIndex === undefined) return;
        this.output[outputIndex] = item;
        if (this.open?.outputIndex === outputIndex) this.open = undefined;
        return;
      default:
        return;
    }
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
    payload = undefined;
  }
  if (!isRecord(payload)) {
    const error = invalidUpstreamResponse("a stream event's data is not a JSON object");
    // A failure the client could not read ends the stream; any other garbled event is skipped.
    return frame.event === "error" || frame.event === "response.failed"
      ? { kind: "invalid", error }
      : { kind: "unreadable", error };
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
  return { kind: "chunk", payload, outputChars };
}

/**
 * The commit point: a delta of any part of the answer (text, refusal, arguments, reasoning), or an output item
 * that is not a message or reasoning (a function call carries its name when it opens).
 */
function carriesToken(payload: JsonRecord): boolean {
  const type = String(payload.type);
  if (type.endsWith(".delta")) return true;
  if (type !== "response.output_item.added") return false;
  const item = isRecord(payload.item) ? payload.item : {};
  return item.type !== "message" && item.type !== "reasoning";
}

function messageText(item: JsonRecord): string {
  const content = Array.isArray(item.content) ? item.content : [];
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

function failureOf(payload: JsonRecord): GatewayError {
  const response = isRecord(payload.response) ? payload.response : {};
  const error = isRecord(response.error) ? response.error : payload;
  const message = optionalString(error.message) ?? "The upstream reported an error in the stream.";
  const rateLimited = error.code === "rate_limit_exceeded" || optionalNumber(error.status) === 429;
  return new GatewayError(rateLimited ? "rate_limited" : "upstream_http_error", message);
}
