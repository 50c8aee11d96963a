import {
  anthropicError,
  anthropicMessage,
  anthropicStreamFrames,
  delayed,
  openAIChatCompletion,
  openAIChatStreamFrames,
  openAIError,
  type ScriptedResponse,
} from "../mock-upstream/index.js";

/**
 * The ways an upstream fails, as scripted mock answers, in each provider's own shapes. Time limits are in the
 * targets' config (FAULTY_TARGET_TIMEOUTS); the slow answers here are far beyond them, so that no outcome
 * depends on how fast the machine is.
 */

/** Per-target timeouts of a target that receives faults: short, so timeouts are quick to provoke. */
export const FAULTY_TARGET_TIMEOUTS = { first_byte_seconds: 0.5, idle_seconds: 0.5 };

/** How long a "slow" upstream waits before its first byte: ten times the timeout. */
const SLOW_MS = 5_000;

/** Never settles: a held stream stays held until the client gives up. */
const forever = new Promise<never>(() => {});

/** A provider's bodies, for the faults that need a well-formed part. */
export interface ProviderShapes {
  errorBody(status: number, message: string): unknown;
  okBody(): unknown;
  okStreamFrames(): string[];
}

export const OPENAI_SHAPES: ProviderShapes = {
  errorBody: (status, message) =>
    openAIError(
      message,
      status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error",
    ),
  okBody: () => openAIChatCompletion({ text: "Hello from a broken upstream" }),
  okStreamFrames: () => openAIChatStreamFrames({ text: "Hello from a broken upstream" }),
};

/** https://docs.anthropic.com/en/api/errors */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
  529: "overloaded_error",
};

export const ANTHROPIC_SHAPES: ProviderShapes = {
  errorBody: (status, message) => anthropicError(ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message),
  okBody: () => anthropicMessage({ text: "Hello from a broken upstream" }),
  okStreamFrames: () => anthropicStreamFrames({ text: "Hello from a broken upstream" }),
};

export interface UpstreamFault {
  /** Completes "when the upstream answers with ...". */
  name: string;
  answer(shapes: ProviderShapes): ScriptedResponse;
}

function json(status: number, body: unknown, headers?: Record<string, string>): ScriptedResponse {
  return { kind: "json", status, body, ...(headers && { headers }) };
}

/** A JSON body sent in two writes, so a fault can strike between them. */
function halves(body: unknown): string[] {
  const text = JSON.stringify(body);
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

export const HTML_ERROR_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";

/** Failures of a whole (non-streaming) answer that another attempt may cure. */
export const RETRYABLE_FAULTS: UpstreamFault[] = [
  {
    name: "a 429 with Retry-After: 1",
    answer: (shapes) => json(429, shapes.errorBody(429, "Rate limit reached."), { "retry-after": "1" }),
  },
  { name: "a 500", answer: (shapes) => json(500, shapes.errorBody(500, "The server had an error.")) },
  { name: "a 503", answer: (shapes) => json(503, shapes.errorBody(503, "The engine is overloaded.")) },
  { name: "a connection reset", answer: () => ({ kind: "reset" }) },
  {
    name: "a first byte later than first_byte_seconds",
    answer: (shapes) => delayed(SLOW_MS, json(200, shapes.okBody())),
  },
  {
    name: "a body that stalls for longer than idle_seconds",
    answer: (shapes) => ({
      kind: "stream",
      contentType: "application/json",
      frames: halves(shapes.okBody()),
      hold: { afterFrames: 1, until: forever },
    }),
  },
  {
    name: "a body cut off half-way",
    answer: (shapes) => ({
      kind: "stream",
      contentType: "application/json",
      frames: halves(shapes.okBody()),
      cutAfterFrames: 1,
    }),
  },
  {
    name: "malformed JSON",
    answer: () => ({
      kind: "raw",
      status: 200,
      contentType: "application/json",
      body: '{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"index": 0, "mess',
    }),
  },
  {
    name: "an HTML error page",
    answer: () => ({ kind: "raw", status: 502, contentType: "text/html", body: HTML_ERROR_PAGE }),
  },
];

/** Answers that are the request's own fault: another attempt would fail the same way. */
export const NON_RETRYABLE_STATUSES = [400, 401, 404] as const;

export function nonRetryableFault(status: number): UpstreamFault {
  return {
    name: `a ${status}`,
    answer: (shapes) => json(status, shapes.errorBody(status, `Refused with ${status}.`)),
  };
}

/** Failures of a streaming answer before its first event: the gateway has sent nothing yet. */
export const STREAM_FAULTS_BEFORE_FIRST_BYTE: UpstreamFault[] = [
  { name: "a 503", answer: (shapes) => json(503, shapes.errorBody(503, "The engine is overloaded.")) },
  { name: "a connection reset", answer: () => ({ kind: "reset" }) },
  {
    name: "a first byte later than first_byte_seconds",
    answer: (shapes) => delayed(SLOW_MS, { kind: "stream", frames: shapes.okStreamFrames() }),
  },
  {
    name: "stream headers, then silence beyond idle_seconds",
    answer: (shapes) => ({
      kind: "stream",
      frames: shapes.okStreamFrames(),
      hold: { afterFrames: 0, until: forever },
    }),
  },
  {
    name: "stream headers, then a cut before any event",
    answer: (shapes) => ({ kind: "stream", frames: shapes.okStreamFrames(), cutAfterFrames: 0 }),
  },
  {
    name: "malformed JSON instead of a stream",
    answer: () => ({ kind: "raw", status: 200, contentType: "application/json", body: '{"choices": [' }),
  },
  {
    name: "an HTML error page",
    answer: () => ({ kind: "raw", status: 502, contentType: "text/html", body: HTML_ERROR_PAGE }),
  },
];

/** Failures of a stream after its first events reached the client: too late to retry. */
export const STREAM_FAULTS_AFTER_FIRST_BYTE: UpstreamFault[] = [
  {
    name: "a cut after the first events",
    answer: (shapes) => ({ kind: "stream", frames: shapes.okStreamFrames(), cutAfterFrames: 5 }),
  },
  {
    name: "a stall beyond idle_seconds after the first events",
    answer: (shapes) => ({
      kind: "stream",
      frames: shapes.okStreamFrames(),
      hold: { afterFrames: 5, until: forever },
    }),
  },
];
