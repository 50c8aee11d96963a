import { parseSseText } from "../mock-upstream/index.js";
import { createSpecValidator } from "../spec-validator.js";
import type { RawExchange } from "./recording-fetch.js";

/**
 * Checks what the gateway sent against OpenAI's official OpenAPI schemas (test/fixtures/specs): every JSON body
 * and every SSE chunk. Where the spec cannot describe what OpenAI itself sends, the adaptation is narrow and
 * explained where it is made.
 */

export type ApiKind = "chat" | "completions" | "embeddings" | "models" | "model";

const openai = createSpecValidator("openai");

const RESPONSE_SCHEMA: Record<ApiKind, string> = {
  chat: "CreateChatCompletionResponse",
  completions: "CreateCompletionResponse",
  embeddings: "CreateEmbeddingResponse",
  models: "ListModelsResponse",
  model: "Model",
};

const PATH_KIND: Record<string, ApiKind> = {
  "/v1/chat/completions": "chat",
  "/v1/completions": "completions",
  "/v1/embeddings": "embeddings",
  "/v1/models": "models",
};

/** What kind of answer a path of the OpenAI API gives; undefined for paths outside it. */
export function kindOfPath(path: string): ApiKind | undefined {
  const pathname = path.split("?")[0] ?? "";
  return PATH_KIND[pathname] ?? (pathname.startsWith("/v1/models/") ? "model" : undefined);
}

/** The spec violations of one response: its status, content type and body text. Empty when valid. */
export function responseViolations(
  kind: ApiKind,
  response: { status: number; contentType: string; text: string },
): string[] {
  const { status, contentType, text } = response;
  if (/^text\/event-stream\b/.test(contentType)) {
    if (status !== 200) return [`an event stream with status ${status}`];
    if (kind !== "chat" && kind !== "completions") return [`a ${kind} answer sent as an event stream`];
    return streamViolations(kind, text);
  }
  if (!/^application\/json\b/.test(contentType)) return [`content type '${contentType}', not JSON`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`a body that is not JSON: ${text.slice(0, 200)}`];
  }
  if (status >= 400) return openai.validate("ErrorResponse", body);
  if (kind === "embeddings") return openai.validate("CreateEmbeddingResponse", withDecodedBase64(body));
  return openai.validate(RESPONSE_SCHEMA[kind], body);
}

/**
 * A stream is valid when every chunk fits the spec and it ends with exactly one terminal frame: `data: [DONE]`
 * after a clean end, or an error object (ErrorResponse) when it broke, never both, and nothing after it.
 */
export function streamViolations(kind: "chat" | "completions", received: string): string[] {
  // SSE lines may end in CRLF, LF or CR (https://html.spec.whatwg.org/multipage/server-sent-events.html); a
  // relayed upstream stream keeps the upstream's.
  const text = received.replace(/\r\n?/g, "\n");
  const messages = parseSseText(text);
  const violations: string[] = [];
  if (!text.endsWith("\n\n")) violations.push("the stream does not end at a frame boundary");
  messages.forEach((message, position) => {
    const last = position === messages.length - 1;
    if (message.data === "[DONE]") {
      if (!last) violations.push(`[DONE] at frame ${position} is not the last frame`);
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(message.data);
    } catch {
      violations.push(`frame ${position} is not JSON: ${message.data.slice(0, 200)}`);
      return;
    }
    if (isRecord(chunk) && "error" in chunk) {
      if (!last) violations.push(`the error frame ${position} is not the last frame`);
      violations.push(
        ...openai.validate("ErrorResponse", chunk).map((error) => `frame ${position}: ${error}`),
      );
      return;
    }
    if (last) violations.push("the stream ends with neither [DONE] nor an error frame");
    const errors = kind === "chat" ? chatChunkViolations(chunk) : completionChunkViolations(chunk);
    violations.push(...errors.map((error) => `frame ${position}: ${error}`));
  });
  if (messages.length === 0) violations.push("an empty stream");
  return violations;
}

function chatChunkViolations(chunk: unknown): string[] {
  return openai.validate("CreateChatCompletionStreamResponse", chunk);
}

/**
 * The spec has no chunk schema for legacy completions; it says streamed and whole responses "share the same
 * shape" (CreateCompletionResponse), but that schema does not allow the `finish_reason: null` every chunk but the
 * last carries on the wire (https://platform.openai.com/docs/api-reference/completions/object). Exactly those
 * errors are set aside; anything else in a chunk must fit.
 */
function completionChunkViolations(chunk: unknown): string[] {
  const choices = isRecord(chunk) && Array.isArray(chunk.choices) ? chunk.choices : [];
  const nullFinish = choices.flatMap((choice, index) =>
    isRecord(choice) && choice.finish_reason === null ? [`/choices/${index}/finish_reason:`] : [],
  );
  return openai
    .validate("CreateCompletionResponse", chunk)
    .filter(
      (error) => !nullFinish.some((pointer) => error.startsWith(`CreateCompletionResponse ${pointer}`)),
    );
}

/**
 * The spec types `embedding` as the float list only, although `encoding_format: "base64"` makes it a string
 * (https://platform.openai.com/docs/api-reference/embeddings/create). A base64 vector must decode to whole float32
 * values; it is then checked as the floats it stands for.
 */
function withDecodedBase64(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.data)) return body;
  return {
    ...body,
    data: body.data.map((item) =>
      isRecord(item) && typeof item.embedding === "string"
        ? { ...item, embedding: floatsOf(item.embedding) }
        : item,
    ),
  };
}

/** The floats a base64 vector stands for; the string itself (which the schema then rejects) when it is not one. */
function floatsOf(text: string): number[] | string {
  try {
    return decodeFloat32Base64(text);
  } catch {
    // Not whole float32 values: left as it is, so the schema reports the embedding.
    return text;
  }
}

/** Little-endian float32 values from base64, as the official SDKs decode them; throws on a partial value. */
export function decodeFloat32Base64(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0)
    throw new Error(`base64 embedding of ${bytes.length} bytes, not whole float32s`);
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

/**
 * The violations of every recorded exchange with the OpenAI API (other paths are skipped), each prefixed with
 * the request. Exchanges whose body the client itself cut off are checked frame by frame but not for their end.
 */
export async function exchangeViolations(
  exchanges: RawExchange[],
  /** Differences a relayed provider's answers are known to have (by the route the request named). */
  tolerated: (route: string) => readonly RegExp[] = () => [],
): Promise<string[]> {
  const all: string[] = [];
  for (const exchange of exchanges) {
    const kind = kindOfPath(exchange.path);
    if (kind === undefined) continue;
    const received = await exchange.text;
    const cutByClient = exchange.bodyError !== undefined;
    // What a client cut off is checked up to its last whole frame.
    const lines = received.replace(/\r\n?/g, "\n");
    const text = cutByClient ? lines.slice(0, lines.lastIndexOf("\n\n") + 2) : lines;
    const contentType = exchange.headers.get("content-type") ?? "";
    let violations = responseViolations(kind, { status: exchange.status, contentType, text });
    if (cutByClient)
      violations = violations.filter((violation) => !/ends with|an empty stream/.test(violation));
    const route = isRecord(exchange.requestBody) ? exchange.requestBody.model : undefined;
    const known = typeof route === "string" ? tolerated(route) : [];
    violations = violations.filter((violation) => !known.some((pattern) => pattern.test(violation)));
    all.push(...violations.map((violation) => `${exchange.method} ${exchange.path}: ${violation}`));
  }
  return all;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
