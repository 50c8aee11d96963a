import { parseSseText } from "../mock-upstream/index.js";
import type { RawExchange } from "../openai-api/recording-fetch.js";
import { createSpecValidator } from "../spec-validator.js";

/**
 * Checks what the gateway sent on the agent APIs against the providers' schemas (test/fixtures/specs): Anthropic's
 * Messages API (Message, MessageStreamEvent, PingEvent, MessageTokensCount, ErrorResponse) and OpenAI's Responses
 * API (Response, ResponseStreamEvent, ErrorResponse), and the stream rules the schemas cannot state: every
 * event's SSE name is its data's `type`; a stream ends with exactly one terminal event (message_stop; or
 * response.completed / response.incomplete), or, when it broke, with the dialect's error event(s), never both.
 */

const anthropic = createSpecValidator("anthropic");
const openai = createSpecValidator("openai");

interface Received {
  status: number;
  contentType: string;
  text: string;
}

export function anthropicViolations(path: string, response: Received): string[] {
  const pathname = path.split("?")[0] ?? "";
  if (/^text\/event-stream\b/.test(response.contentType)) {
    if (response.status !== 200) return [`an event stream with status ${response.status}`];
    return anthropicStreamViolations(response.text);
  }
  const body = parseJson(response);
  if (typeof body === "string") return [body];
  if (response.status >= 400) return anthropic.validate("ErrorResponse", body);
  return anthropic.validate(pathname.endsWith("/count_tokens") ? "MessageTokensCount" : "Message", body);
}

export function anthropicStreamViolations(received: string): string[] {
  const violations: string[] = [];
  const events = sseEvents(received, violations);
  events.forEach(({ event, data }, position) => {
    const type = data?.type;
    if (event !== type)
      violations.push(`event ${position}: SSE name '${event}' but data type '${String(type)}'`);
    const schema = type === "ping" ? "PingEvent" : type === "error" ? "ErrorResponse" : "MessageStreamEvent";
    violations.push(...anthropic.validate(schema, data).map((error) => `event ${position}: ${error}`));
  });
  const types = events.map(({ data }) => data?.type);
  if (types[0] !== "message_start")
    violations.push(`the stream starts with ${String(types[0])}, not message_start`);
  const last = types.at(-1);
  if (last !== "message_stop" && last !== "error") violations.push(`the stream ends with ${String(last)}`);
  if (types.includes("message_stop") && types.includes("error"))
    violations.push("both message_stop and error");
  const terminal = types.findIndex((type) => type === "message_stop" || type === "error");
  if (terminal !== -1 && terminal !== types.length - 1) violations.push("events after the terminal event");
  violations.push(...blockNesting(events.map(({ data }) => data)));
  return violations;
}

/** Content blocks open and close in order, each index once, deltas only on the open block. */
function blockNesting(events: (Record<string, unknown> | undefined)[]): string[] {
  const violations: string[] = [];
  let open: unknown;
  let next = 0;
  for (const event of events) {
    if (event?.type === "content_block_start") {
      if (open !== undefined)
        violations.push(`block ${String(event.index)} starts while ${String(open)} is open`);
      if (event.index !== next) violations.push(`block ${String(event.index)} starts, expected ${next}`);
      open = event.index;
      next++;
    } else if (event?.type === "content_block_delta" && event.index !== open) {
      violations.push(`a delta for block ${String(event.index)} while ${String(open)} is open`);
    } else if (event?.type === "content_block_stop") {
      if (event.index !== open)
        violations.push(`block ${String(event.index)} stops while ${String(open)} is open`);
      open = undefined;
    }
  }
  return violations;
}

export function responsesViolations(path: string, response: Received): string[] {
  if (/^text\/event-stream\b/.test(response.contentType)) {
    if (response.status !== 200) return [`an event stream with status ${response.status}`];
    return responsesStreamViolations(response.text);
  }
  const body = parseJson(response);
  if (typeof body === "string") return [body];
  if (response.status >= 400) return openai.validate("ErrorResponse", body);
  if (/\/input_items$/.test(path.split("?")[0] ?? "")) return openai.validate("ResponseItemList", body);
  if (
    /\/responses\/[^/]+$/.test(path.split("?")[0] ?? "") &&
    (body as { deleted?: unknown }).deleted === true
  )
    return [];
  return openai.validate("Response", body);
}

const RESPONSES_TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

export function responsesStreamViolations(received: string): string[] {
  const violations: string[] = [];
  const events = sseEvents(received, violations);
  events.forEach(({ event, data }, position) => {
    if (event !== data?.type)
      violations.push(`event ${position}: SSE name '${event}' but type '${String(data?.type)}'`);
    if (data?.sequence_number !== position)
      violations.push(`event ${position}: sequence_number ${String(data?.sequence_number)}`);
    const schema = data?.type === "error" ? "ResponseErrorEvent" : "ResponseStreamEvent";
    violations.push(...openai.validate(schema, data).map((error) => `event ${position}: ${error}`));
  });
  const types = events.map(({ data }) => String(data?.type));
  if (types[0] !== "response.created") violations.push(`the stream starts with ${types[0]}`);
  const terminal = types.findIndex((type) => RESPONSES_TERMINAL.has(type));
  if (terminal === -1) violations.push(`the stream ends with ${types.at(-1)}, no terminal event`);
  else if (terminal !== types.length - 1) violations.push("events after the terminal event");
  if (types.includes("error") && types.at(-1) !== "response.failed")
    violations.push("an error event without response.failed");
  return violations;
}

interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown> | undefined;
}

function sseEvents(received: string, violations: string[]): SseEvent[] {
  const text = received.replace(/\r\n?/g, "\n");
  if (!text.endsWith("\n\n")) violations.push("the stream does not end at a frame boundary");
  const events = parseSseText(text).map(({ event, data }, position) => {
    try {
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    } catch {
      violations.push(`event ${position} is not JSON: ${data.slice(0, 200)}`);
      return { event, data: undefined };
    }
  });
  if (events.length === 0) violations.push("an empty stream");
  return events;
}

function parseJson(response: Received): unknown {
  if (!/^application\/json\b/.test(response.contentType))
    return `content type '${response.contentType}', not JSON`;
  try {
    return JSON.parse(response.text);
  } catch {
    return `a body that is not JSON: ${response.text.slice(0, 200)}`;
  }
}

/** The violations of every recorded exchange with one of the agent APIs, each prefixed with the request. */
export async function agentExchangeViolations(exchanges: RawExchange[]): Promise<string[]> {
  const all: string[] = [];
  for (const exchange of exchanges) {
    const pathname = exchange.path.split("?")[0] ?? "";
    const check = pathname.startsWith("/v1/messages")
      ? anthropicViolations
      : pathname.startsWith("/v1/responses")
        ? responsesViolations
        : undefined;
    if (check === undefined) continue;
    const received = {
      status: exchange.status,
      contentType: exchange.headers.get("content-type") ?? "",
      text: await exchange.text,
    };
    all.push(
      ...check(exchange.path, received).map(
        (violation) => `${exchange.method} ${exchange.path}: ${violation}`,
      ),
    );
  }
  return all;
}
